using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;

namespace Sizing.Domain.Tests.Communication;

/// <summary>Topologies of catalog GPUs for the communication tests.</summary>
internal static class TestGpus
{
    public static Topology Node(
        string id,
        int gpusPerNode = 8,
        IntraNodeLink? intraNode = null,
        InterNodeLink interNode = InterNodeLink.InfiniBand)
    {
        var gpu = HardwareCatalog.BuiltIn.FindGpu(id) ?? throw new ArgumentException($"no catalog GPU '{id}'", nameof(id));
        return new Topology(gpu, gpusPerNode, intraNode ?? gpu.Node.IntraNode, interNode);
    }
}
