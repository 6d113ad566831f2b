using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;

namespace Sizing.Domain.Tests.Communication;

/// <summary>
/// GPUs for the communication tests: the built-in catalog entry where there is one, else the interconnect facts of
/// /work/shared/reference/gpus.json (only the fields the collective model reads are meaningful).
/// </summary>
internal static class TestGpus
{
    private static readonly Dictionary<string, (string ScaleUp, int? Generation, double? ScaleUpGBps, int PcieGeneration, double PcieGBps, IntraNodeLink Link)> Interconnects = new()
    {
        ["h100-sxm-80gb"] = ("nvlink", 4, 450, 5, 64, IntraNodeLink.NvSwitch),
        ["h200-sxm-141gb"] = ("nvlink", 4, 450, 5, 64, IntraNodeLink.NvSwitch),
        ["h20-96gb"] = ("nvlink", 4, 450, 5, 64, IntraNodeLink.NvSwitch),
        ["b200-180gb"] = ("nvlink", 5, 900, 5, 64, IntraNodeLink.NvSwitch),
        ["a100-sxm-80gb"] = ("nvlink", 3, 300, 4, 32, IntraNodeLink.NvSwitch),
        ["h100-pcie-80gb"] = ("nvlink", 4, 300, 5, 64, IntraNodeLink.NvLinkBridge),
        ["a100-pcie-80gb"] = ("nvlink", 3, 300, 4, 32, IntraNodeLink.NvLinkBridge),
        ["rtx-4090"] = ("none", null, null, 4, 32, IntraNodeLink.Pcie),
        ["l40s-48gb"] = ("none", null, null, 4, 32, IntraNodeLink.Pcie),
        ["mi300x-192gb"] = ("xgmi", null, 7 * 64, 5, 64, IntraNodeLink.Xgmi),
    };

    public static GpuSpec Get(string id)
    {
        if (HardwareCatalog.BuiltIn.FindGpu(id) is { } gpu)
        {
            return gpu;
        }

        var (scaleUp, generation, scaleUpGBps, pcieGeneration, pcieGBps, link) = Interconnects[id];
        return new GpuSpec(
            id, id, "test", "test", 80, 79, "test", 3000,
            new DenseTflops(60, 900, 900, null, null, null, null),
            new GpuInterconnect(scaleUp, generation, scaleUpGBps, pcieGeneration, pcieGBps),
            new GpuNode(8, link),
            new GpuPrice(1, "test"),
            "test double built from reference/gpus.json interconnect fields");
    }

    public static Topology Node(
        string id,
        int gpusPerNode = 8,
        IntraNodeLink? intraNode = null,
        InterNodeLink interNode = InterNodeLink.InfiniBand)
    {
        var gpu = Get(id);
        return new Topology(gpu, gpusPerNode, intraNode ?? gpu.Node.IntraNode, interNode);
    }
}
