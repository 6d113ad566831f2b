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

    /// <summary>
    /// PCIe without peer-to-peer: every transfer bounces through host memory (NCCL's SHM transport). GeForce 40-series
    /// cards on the stock driver (NVIDIA/nccl#1127), <c>NCCL_P2P_DISABLE=1</c>, and VMs without P2P run this way; the
    /// engines' custom all-reduce needs P2P and is off.
    /// </summary>
    [JsonStringEnumMemberName("pcie-host-staged")] PcieHostStaged,
}

/// <summary>The fabric between nodes; each class has a usual NIC count and rate per node, which a request may override.</summary>
public enum InterNodeLink
{
    /// <summary>InfiniBand of the current generation: the same class as <see cref="InfiniBandNdr"/>.</summary>
    [JsonStringEnumMemberName("infiniband")] InfiniBand,

    /// <summary>RoCE v2 (RDMA over Converged Ethernet), one 400 GbE NIC per GPU.</summary>
    [JsonStringEnumMemberName("roce")] Roce,

    /// <summary>Plain Ethernet through NCCL's socket transport (no RDMA).</summary>
    [JsonStringEnumMemberName("ethernet")] Ethernet,

    /// <summary>InfiniBand NDR (ConnectX-7, 400 Gb/s), one NIC per GPU as on DGX/HGX H100 and B200.</summary>
    [JsonStringEnumMemberName("infiniband-ndr")] InfiniBandNdr,

    /// <summary>InfiniBand HDR (ConnectX-6, 200 Gb/s), one NIC per GPU as on DGX A100.</summary>
    [JsonStringEnumMemberName("infiniband-hdr")] InfiniBandHdr,

    /// <summary>AWS Elastic Fabric Adapter through aws-ofi-nccl; p5.48xlarge shape (32 × 100 Gb/s per node).</summary>
    [JsonStringEnumMemberName("efa")] Efa,

    /// <summary>Google Cloud GPUDirect-TCPX (A3 High: 4 × 200 Gb/s NICs per node for the GPUs).</summary>
    [JsonStringEnumMemberName("tcpx")] Tcpx,

    /// <summary>Google Cloud GPUDirect-TCPXO (A3 Mega: 8 × 200 Gb/s NICs per node for the GPUs).</summary>
    [JsonStringEnumMemberName("tcpxo")] Tcpxo,
}
