using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;

namespace Sizing.Domain.Communication;

/// <summary>Where the ranks of a collective sit: which GPU, how many per node, and the links inside and between nodes.</summary>
/// <remarks>A group of n GPUs fills nodes in order, so it spans ⌈n / <see cref="GpusPerNode"/>⌉ nodes.</remarks>
/// <param name="NicsPerNode">NICs per node for the GPUs where the deployment differs from the fabric class; null keeps the class's.</param>
/// <param name="NicGbps">Line rate of one NIC in Gb/s where it differs from the fabric class; null keeps the class's.</param>
public sealed record Topology(
    GpuSpec Gpu,
    int GpusPerNode,
    IntraNodeLink IntraNode,
    InterNodeLink InterNode,
    int? NicsPerNode = null,
    double? NicGbps = null)
{
    /// <summary>The number of nodes a group of <paramref name="gpuCount"/> GPUs spans.</summary>
    public int NodesFor(int gpuCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gpuCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(GpusPerNode);
        return (gpuCount + GpusPerNode - 1) / GpusPerNode;
    }

    /// <summary>The number of the group's GPUs that share one node.</summary>
    public int GpusPerNodeFor(int gpuCount) => Math.Min(gpuCount, GpusPerNode);
}
