using System.Text.Json.Serialization;

namespace Sizing.Domain.Deployment;

/// <summary>How the GPUs inside one node talk to each other.</summary>
public enum IntraNodeLink
{
    /// <summary>Every GPU reaches every other through NVSwitch (HGX/DGX boards, NVL72 racks).</summary>
    [JsonStringEnumMemberName("nvswitch")] NvSwitch,

    /// <summary>GPUs are bridged in pairs with NVLink; beyond the pair traffic goes over PCIe.</summary>
    [JsonStringEnumMemberName("nvlink-bridge")] NvLinkBridge,

    /// <summary>PCIe peer-to-peer under one CPU socket (topo PIX/PXB/PHB/NODE).</summary>
    [JsonStringEnumMemberName("pcie")] Pcie,

    /// <summary>PCIe across CPU sockets over UPI/Infinity Fabric (topo SYS).</summary>
    [JsonStringEnumMemberName("pcie-cross-socket")] PcieCrossSocket,

    /// <summary>AMD Infinity Fabric (XGMI) full mesh between the GPUs of an MI300-class node.</summary>
    [JsonStringEnumMemberName("xgmi")] Xgmi,
}

/// <summary>The fabric between nodes.</summary>
public enum InterNodeLink
{
    [JsonStringEnumMemberName("infiniband")] InfiniBand,
    [JsonStringEnumMemberName("roce")] Roce,
    [JsonStringEnumMemberName("ethernet")] Ethernet,
}
