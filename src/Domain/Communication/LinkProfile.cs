namespace Sizing.Domain.Communication;

/// <summary>One intra-node link type as NCCL experiences it.</summary>
/// <param name="StepLatencyUs">Latency of one algorithm step (one hop of a ring or tree) in microseconds: the α of the alpha-beta model.</param>
/// <param name="BusBandwidthEfficiency">Plateau busbw at large messages as a fraction of the link's per-direction line rate.</param>
public sealed record LinkProfile(double StepLatencyUs, double BusBandwidthEfficiency);

/// <summary>One inter-node fabric class as NCCL experiences it.</summary>
/// <param name="StepLatencyUs">Latency of one inter-node step (a network hop including the proxy) in microseconds.</param>
/// <param name="NicGbps">Line rate of one NIC in one direction, Gb/s as marketed (400 for NDR).</param>
/// <param name="NicsPerNode">NICs per node for the GPUs; null means one NIC per GPU (rail-optimised HGX/DGX nodes).</param>
/// <param name="Efficiency">Achievable fraction of the NICs' line rate in a bandwidth-bound collective.</param>
public sealed record FabricProfile(double StepLatencyUs, double NicGbps, int? NicsPerNode, double Efficiency)
{
    /// <summary>Achievable network bandwidth of one GPU, one direction, in GB/s, when <paramref name="gpusPerNode"/> GPUs share the node's NICs.</summary>
    /// <remarks>
    /// The node's NICs are shared evenly; a GPU reaches its NICs through its own PCIe link (GPUDirect RDMA), so its share
    /// never exceeds <paramref name="pcieGBps"/> however many NICs the node has.
    /// </remarks>
    public double PerGpuGBps(int gpusPerNode, double pcieGBps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gpusPerNode);
        var lineShare = NicGbps / 8.0 * (NicsPerNode ?? gpusPerNode) / gpusPerNode;
        return Efficiency * Math.Min(lineShare, pcieGBps);
    }
}
