using System.Text.Json.Serialization;
using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Disaggregation;

/// <summary>The link a request's KV cache crosses from its prefill instance to its decode instance.</summary>
public enum KvTransferLink
{
    /// <summary>Both instances in one NVLink domain (a shared 8-GPU node, or an NVL72 rack).</summary>
    [JsonStringEnumMemberName("nvlink")] NvLink,

    /// <summary>GPUDirect RDMA over InfiniBand (NIXL, Mooncake transfer engine).</summary>
    [JsonStringEnumMemberName("infiniband")] InfiniBand,

    /// <summary>GPUDirect RDMA over RoCE v2.</summary>
    [JsonStringEnumMemberName("roce")] Roce,

    /// <summary>TCP over plain Ethernet.</summary>
    [JsonStringEnumMemberName("ethernet")] Ethernet,

    /// <summary>PCIe between GPUs of one host, no NVLink.</summary>
    [JsonStringEnumMemberName("pcie")] Pcie,
}

/// <summary>How fast one GPU can push KV to its peer, and the fixed cost of one transfer.</summary>
/// <param name="PerGpu">Achievable rate of one sending GPU (its NVLink, NIC or PCIe share), one direction.</param>
/// <param name="Latency">Fixed cost of one transfer (one hop of the link).</param>
/// <param name="LayerwiseOverlap">Each layer's KV leaves as soon as the layer is computed, overlapping the rest of the prefill
/// (Splitwise, ISCA 2024, §IV-C); false = the whole KV leaves after the prefill (NIXL/Mooncake connectors in vLLM and SGLang).</param>
public sealed record KvTransferPath(KvTransferLink Link, BytesPerSecond PerGpu, Seconds Latency, bool LayerwiseOverlap = false)
{
    /// <summary>The path over <paramref name="link"/> from a <paramref name="gpu"/> in a node of <paramref name="gpusPerNode"/>,
    /// at the achievable rates of the collective model (NCCL busbw efficiency of the link, NIC share per GPU).</summary>
    public static KvTransferPath For(KvTransferLink link, GpuSpec gpu, int gpusPerNode, bool layerwiseOverlap = false, CommunicationAssumptions? assumptions = null)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var c = assumptions ?? CommunicationAssumptions.Default;
        var interconnect = gpu.Interconnect;
        var (gbps, latencyUs) = link switch
        {
            KvTransferLink.NvLink when interconnect.ScaleUpGBpsPerDirection is { } nvlink =>
                (c.NvSwitch.BusBandwidthEfficiency * nvlink, c.NvSwitch.StepLatencyUs),
            KvTransferLink.InfiniBand => Fabric(c.InfiniBandNdr, gpusPerNode, interconnect.PcieGBpsPerDirection),
            KvTransferLink.Roce => Fabric(c.Roce, gpusPerNode, interconnect.PcieGBpsPerDirection),
            KvTransferLink.Ethernet => Fabric(c.Ethernet, gpusPerNode, interconnect.PcieGBpsPerDirection),
            _ => (c.Pcie.BusBandwidthEfficiency * interconnect.PcieGBpsPerDirection, c.Pcie.StepLatencyUs),
        };
        return new(link, BytesPerSecond.FromGBps(gbps), Seconds.FromMicroseconds(c.NcclLaunchLatencyUs + latencyUs), layerwiseOverlap);
    }

    /// <summary>KV bytes one request of <paramref name="promptTokens"/> hands to its decode instance.</summary>
    /// <remarks>Layers × KV bytes per token and layer × prompt tokens (DistServe §3.3: "the KV cache size of a single 512-token
    /// request on OPT-66B is approximately 1.13GB"); sliding-window and chunked-local layers hand over at most their window.</remarks>
    public static Bytes BytesPerRequest(ModelArchitecture model, Precision kvPrecision, int promptTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        var local = model.LocalAttention;
        var localLayers = local?.Layers ?? 0;
        var tokenLayers = ((double)(model.Layers - localLayers) * promptTokens) + ((double)localLayers * Math.Min(promptTokens, local?.Tokens ?? 0));
        return new(checked((long)Math.Round(tokenLayers * model.KvElementsPerTokenPerLayer * kvPrecision.BytesPerElement())));
    }

    /// <summary>GPUs of one attention rank that hold distinct KV of a request and so can send in parallel: the KV-head shards
    /// of its tensor group; an MLA latent is whole on every rank, so one rank sends it.</summary>
    public static int DistinctKvShards(ModelArchitecture model, Parallelism parallelism)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parallelism);
        return model.Mla is not null ? 1 : Math.Max(1, Math.Min(parallelism.Tensor, model.KvHeads));
    }

    private static (double GBps, double LatencyUs) Fabric(FabricProfile fabric, int gpusPerNode, double pcieGBps) =>
        (fabric.PerGpuGBps(gpusPerNode, pcieGBps), fabric.StepLatencyUs);
}
