using Sizing.Domain.Units;

namespace Sizing.Domain.Communication;

/// <summary>The predicted cost of one collective, in nccl-tests terms.</summary>
/// <param name="Time">Wall time of one call.</param>
/// <param name="AlgorithmBandwidth">algbw = size / time.</param>
/// <param name="BusBandwidth">busbw = algbw × the operation's bus factor.</param>
/// <param name="Algorithm">What NCCL (or the custom kernel) would run: ring, tree, nvls, hierarchical-ring, pairwise, p2p, one-shot, two-shot; none for one rank.</param>
/// <param name="Nodes">Nodes the group spans.</param>
/// <param name="Implementation">The implementation that actually runs (a custom all-reduce falls back to NCCL where it does not apply).</param>
/// <param name="LatencyFloor">The α part of <paramref name="Time"/>: what an empty message would cost.</param>
public readonly record struct CollectiveEstimate(
    Seconds Time,
    BytesPerSecond AlgorithmBandwidth,
    BytesPerSecond BusBandwidth,
    string Algorithm,
    int Nodes,
    CollectiveImplementation Implementation,
    Seconds LatencyFloor);
