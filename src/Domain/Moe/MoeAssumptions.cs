using Sizing.Domain.Deployment;

namespace Sizing.Domain.Moe;

/// <summary>A row of one of DeepEP's tables, keyed by its EP size.</summary>
public interface IDeepEpRow
{
    int ExpertParallel { get; }
}

/// <summary>One row of DeepEP's normal-kernel table: logical bottleneck bandwidth of dispatch and combine.</summary>
/// <param name="ExpertParallel">EP ranks of the test.</param>
/// <param name="DispatchGBps">Dispatch bottleneck bandwidth, 10^9 B/s (NVLink intra-node, RDMA inter-node).</param>
/// <param name="CombineGBps">Combine bottleneck bandwidth, 10^9 B/s.</param>
public sealed record DeepEpNormalRow(int ExpertParallel, double DispatchGBps, double CombineGBps) : IDeepEpRow;

/// <summary>One row of DeepEP's low-latency table.</summary>
/// <param name="ExpertParallel">EP ranks of the test.</param>
/// <param name="DispatchUs">Dispatch latency, µs.</param>
/// <param name="DispatchGBps">Dispatch logical RDMA bandwidth, 10^9 B/s.</param>
/// <param name="CombineUs">Combine latency, µs.</param>
/// <param name="CombineGBps">Combine logical RDMA bandwidth, 10^9 B/s.</param>
public sealed record DeepEpLowLatencyRow(int ExpertParallel, double DispatchUs, double DispatchGBps, double CombineUs, double CombineGBps) : IDeepEpRow;

/// <summary>The measured figures the MoE communication model stands on, each with its source.</summary>
/// <remarks>
/// DeepEP V1 tables: deepseek-ai/DeepEP docs/legacy.md @0297fc80 (the README before V2), H800 (~160 GB/s NVLink maximum)
/// with one CX7 InfiniBand 400 Gb/s NIC per GPU (~50 GB/s maximum). Normal kernels: DeepSeek-V3/R1 pre-training setting,
/// 4096 tokens per batch, hidden 7168, top-4 groups, top-8 experts, FP8 dispatch, BF16 combine. Low-latency kernels: 128
/// tokens per batch, hidden 7168, top-8, FP8 dispatch, BF16 combine. "Logical" bandwidth counts a rank's whole payload,
/// local copies included (DeepEP tests/test_internode.py: rdma_send_bytes = tokens × distinct nodes × hidden).
/// </remarks>
public sealed record MoeAssumptions
{
    /// <summary>The constants the service uses.</summary>
    public static MoeAssumptions Default { get; } = new();

    /// <summary>DeepEP normal kernels inside one node (EP 8): 153 GB/s dispatch, 158 GB/s combine over NVLink.</summary>
    public DeepEpNormalRow NormalIntranode { get; init; } = new(8, 153, 158);

    /// <summary>DeepEP normal kernels across nodes: logical RDMA bottleneck bandwidth at EP 16, 32 and 64.</summary>
    public IReadOnlyList<DeepEpNormalRow> NormalInternode { get; init; } = [new(16, 43, 43), new(32, 58, 57), new(64, 51, 50)];

    /// <summary>DeepEP low-latency kernels at 128 tokens per rank, EP 8 to 256.</summary>
    public IReadOnlyList<DeepEpLowLatencyRow> LowLatency { get; init; } =
    [
        new(8, 77, 98, 114, 127),
        new(16, 118, 63, 195, 74),
        new(32, 155, 48, 273, 53),
        new(64, 173, 43, 314, 46),
        new(128, 192, 39, 369, 39),
        new(256, 194, 39, 360, 40),
    ];

    /// <summary>Tokens per rank of the normal-kernel tables ("4096 tokens per batch").</summary>
    public int NormalTableTokens { get; init; } = 4096;

    /// <summary>Tokens per rank of the low-latency table ("128 tokens per batch").</summary>
    public int LowLatencyTableTokens { get; init; } = 128;

    /// <summary>NVLink line rate per direction of the H800 the tables were measured on: 400 GB/s bidirectional (NVIDIA H800 SXM
    /// datasheet), of which DeepEP quotes "~160 GB/s NVLink maximum".</summary>
    public double TableNvLinkGBpsPerDirection { get; init; } = 200;

    /// <summary>The fabric the tables were measured on: one CX7 InfiniBand 400 Gb/s NIC per GPU.</summary>
    public InterNodeLink TableFabric { get; init; } = InterNodeLink.InfiniBand;

    /// <summary>FP8 dispatch payload per hidden element: one byte plus an fp32 scale per 128 channels.</summary>
    /// <remarks>DeepEP tests: <c>fp8_factor = (1 + 4 / 128) / 2</c> relative to BF16.</remarks>
    public double Fp8DispatchBytesPerElement { get; init; } = 1 + (4.0 / 128);

    /// <summary>FP4 dispatch payload per hidden element: NVFP4, 4 bits plus an fp8 scale per 16 (TensorRT-LLM NVFP4 all-to-all).</summary>
    public double Fp4DispatchBytesPerElement { get; init; } = 0.5 + (1.0 / 16);

    /// <summary>Coefficient of variation of the tokens each routed expert receives, without a load balancer.</summary>
    /// <remarks>TensorRT-LLM tech blog 4 (Scaling Expert Parallelism, part 1), Table 1: DeepSeek-R1 on 32 GB200, machine
    /// translation dataset, 256 slots, "by expert slot" std. dev. 164.1 over an average of 128.</remarks>
    public double ExpertPopularityCv { get; init; } = 164.1 / 128;

    /// <summary>Every constant with its value, unit, basis and source, for reporting next to an estimate: all measured facts of
    /// documents outside the measured sets (no scored row is read here).</summary>
    public IReadOnlyList<Assumption> Describe() =>
    [
        new("moe.deepep.normal-intranode-dispatch", NormalIntranode.DispatchGBps, "GB/s", AssumptionBasis.Measured, "DeepEP docs/legacy.md: H800 EP8 NVLink 153 GB/s"),
        new("moe.deepep.normal-intranode-combine", NormalIntranode.CombineGBps, "GB/s", AssumptionBasis.Measured, "DeepEP docs/legacy.md: H800 EP8 NVLink 158 GB/s"),
        .. NormalInternode.Select(r => new Assumption($"moe.deepep.normal-ep{r.ExpertParallel}-rdma", r.DispatchGBps, "GB/s", AssumptionBasis.Measured, "DeepEP docs/legacy.md: H800 + CX7 400 Gb/s, logical RDMA bandwidth")),
        .. LowLatency.Select(r => new Assumption($"moe.deepep.low-latency-ep{r.ExpertParallel}-dispatch", r.DispatchUs, "us", AssumptionBasis.Measured, "DeepEP docs/legacy.md: 128 tokens, H800 + CX7 400 Gb/s")),
        .. LowLatency.Select(r => new Assumption($"moe.deepep.low-latency-ep{r.ExpertParallel}-combine", r.CombineUs, "us", AssumptionBasis.Measured, "DeepEP docs/legacy.md: 128 tokens, H800 + CX7 400 Gb/s")),
        new("moe.deepep.table-nvlink", TableNvLinkGBpsPerDirection, "GB/s per direction", AssumptionBasis.Measured, "NVIDIA H800 SXM: NVLink 400 GB/s bidirectional"),
        new("moe.dispatch.fp8-bytes-per-element", Fp8DispatchBytesPerElement, "bytes", AssumptionBasis.Measured, "DeepEP tests: fp8_factor = (1 + 4/128) / 2"),
        new("moe.dispatch.fp4-bytes-per-element", Fp4DispatchBytesPerElement, "bytes", AssumptionBasis.Measured, "NVFP4: 4 bits + one fp8 scale per 16"),
        new("moe.expert-popularity-cv", ExpertPopularityCv, "ratio", AssumptionBasis.Measured, "TensorRT-LLM tech blog 4 Table 1: DeepSeek-R1 EP32, by expert slot 164.1 / 128"),
    ];
}
