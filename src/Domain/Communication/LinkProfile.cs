namespace Sizing.Domain.Communication;

/// <summary>One intra-node link type as NCCL experiences it.</summary>
/// <param name="StepLatencyUs">Latency of one algorithm step (one hop of a ring or tree) in microseconds: the α of the alpha-beta model.</param>
/// <param name="BusBandwidthEfficiency">Plateau busbw at large messages as a fraction of the link's per-direction line rate.</param>
public sealed record LinkProfile(double StepLatencyUs, double BusBandwidthEfficiency);

/// <summary>One inter-node fabric as NCCL experiences it.</summary>
/// <param name="StepLatencyUs">Latency of one inter-node step (a network hop including the proxy) in microseconds.</param>
/// <param name="NicGBpsPerDirection">Line rate of one NIC in one direction, 10^9 B/s.</param>
/// <param name="NicsPerNode">NICs per node; null means one NIC per GPU (HGX/DGX rail-optimised nodes).</param>
/// <param name="Efficiency">Achievable fraction of the NIC line rate.</param>
public sealed record FabricProfile(double StepLatencyUs, double NicGBpsPerDirection, int? NicsPerNode, double Efficiency)
{
    /// <summary>Achievable network bandwidth per GPU, one direction, in GB/s, when <paramref name="gpusPerNode"/> GPUs share the node's NICs.</summary>
    public double PerGpuGBps(int gpusPerNode) =>
        NicsPerNode is { } nics
            ? Efficiency * NicGBpsPerDirection * Math.Min(nics, gpusPerNode) / gpusPerNode
            : Efficiency * NicGBpsPerDirection;
}
