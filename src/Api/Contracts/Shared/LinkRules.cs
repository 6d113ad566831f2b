using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;

namespace Sizing.Api.Contracts;

/// <summary>Which intra-node links a GPU can use, and the defaults when a request names none.</summary>
public static class LinkRules
{
    public static IntraNodeLink IntraNodeOrDefault(GpuSpec gpu, IntraNodeLink? intraNode)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return intraNode ?? gpu.Node.IntraNode;
    }

    public static InterNodeLink InterNodeOrDefault(InterNodeLink? interNode) => interNode ?? InterNodeLink.InfiniBand;

    public static readonly string NicsPerNodeMessage = $"'nicsPerNode' must be between 1 and {Limits.MaxNicsPerNode}.";

    public static readonly string NicGbpsMessage = $"'nicGbps' must be between 1 and {Limits.MaxNicGbps} (Gb/s per NIC).";

    /// <summary>A NIC line rate in Gb/s: positive, finite and at most <see cref="Limits.MaxNicGbps"/>.</summary>
    public static bool IsValidNicGbps(double? gbps) => gbps is >= 1 and <= Limits.MaxNicGbps;

    /// <summary>NVSwitch and NVLink bridges need an NVLink GPU; XGMI an Infinity Fabric one; PCIe works for any.</summary>
    public static bool HasScaleUpFor(GpuSpec gpu, IntraNodeLink? intraNode)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return IntraNodeOrDefault(gpu, intraNode) switch
        {
            IntraNodeLink.NvSwitch or IntraNodeLink.NvLinkBridge => gpu.Interconnect.ScaleUp == "nvlink",
            IntraNodeLink.Xgmi => gpu.Interconnect.ScaleUp == "xgmi",
            _ => true,
        };
    }

    public static string ScaleUpMismatch(GpuSpec gpu, IntraNodeLink? intraNode)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var link = EnumText.Of(IntraNodeOrDefault(gpu, intraNode));
        var has = gpu.Interconnect.ScaleUp == "none" ? "has no scale-up link" : $"has {gpu.Interconnect.ScaleUp}, not {(link == "xgmi" ? "xgmi" : "nvlink")}";
        return $"'intraNode' {link} needs a GPU with that scale-up fabric, but {gpu.Id} {has}; use pcie or pcie-cross-socket"
            + (gpu.Interconnect.ScaleUp == "none" ? "." : $", or {EnumText.Of(gpu.Node.IntraNode)}.");
    }
}
