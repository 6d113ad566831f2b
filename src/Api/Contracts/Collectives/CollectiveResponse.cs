using Sizing.Api.Contracts.Estimates;

namespace Sizing.Api.Contracts.Collectives;

/// <summary>The predicted cost of one collective, in nccl-tests terms (NVIDIA/nccl-tests doc/PERFORMANCE.md). One rank or an
/// empty buffer costs nothing: every figure is 0 and the algorithm is none.</summary>
/// <param name="TimeUs">Wall time of one call in microseconds (nccl-tests "time"). Example: 4149.487.</param>
/// <param name="AlgorithmBandwidthGBps">algbw = messageBytes / time, in 10^9 B/s. Example: 258.765.</param>
/// <param name="BusBandwidthGBps">busbw = algbw × busFactor, in 10^9 B/s: comparable across rank counts and with the link rate. Example: 452.839.</param>
/// <param name="Algorithm">What would run: ring, tree, nvls, nvls-tree, hierarchical-ring, pairwise, p2p, one-shot, two-shot; none for one rank or 0 bytes.</param>
/// <param name="Implementation">nccl | custom-allreduce: the one that actually runs (the custom kernel falls back to NCCL outside its limits).</param>
/// <param name="Nodes">Nodes the group spans.</param>
/// <param name="LatencyFloorUs">The latency part of the time in microseconds: what an almost empty buffer would cost. Example: 18.</param>
/// <param name="BusFactor">nccl-tests bus factor: all-reduce 2(n−1)/n; all-gather, reduce-scatter, all-to-all (n−1)/n; send-recv 1. Example: 1.75.</param>
/// <param name="Uncertainty">Error bands of the time and the bus bandwidth.</param>
/// <param name="Assumptions">The constants of the collective model this estimate used (the shared ones, its intra-node link's, and its fabric's where the group spans nodes), with value, unit, basis and source.</param>
public sealed record CollectiveResponse(
    double TimeUs,
    double AlgorithmBandwidthGBps,
    double BusBandwidthGBps,
    string Algorithm,
    string Implementation,
    int Nodes,
    double LatencyFloorUs,
    double BusFactor,
    CollectiveUncertaintyResponse Uncertainty,
    IReadOnlyList<AssumptionResponse> Assumptions);

/// <summary>Error bands of a collective's figures, from the cross-validated error of collective rows of the same implementation
/// and GPU class (bus bandwidth is the inverse of time, so its band is the time band inverted). Zero-cost collectives get a zero band.</summary>
/// <param name="TimeUs">Band of <c>timeUs</c>.</param>
/// <param name="BusBandwidthGBps">Band of <c>busBandwidthGBps</c> (and, relatively, of <c>algorithmBandwidthGBps</c>).</param>
public sealed record CollectiveUncertaintyResponse(FigureBandResponse TimeUs, FigureBandResponse BusBandwidthGBps);
