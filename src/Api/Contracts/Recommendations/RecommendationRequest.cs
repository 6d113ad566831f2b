using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Sizing.Domain.Deployment;
using Sizing.Domain.Recommendation;

namespace Sizing.Api.Contracts.Recommendations;

/// <summary>A search: which deployments of a model meet an SLO at a request rate on the GPUs available.</summary>
public sealed record RecommendationRequest
{
    /// <summary>Model catalog id (see GET /v1/models). Give this or <c>modelConfig</c>.</summary>
    /// <example>llama-3-70b</example>
    public string? Model { get; init; }

    /// <summary>A Hugging Face config.json, as published, instead of a catalog id (launch commands then use a placeholder path).</summary>
    public JsonElement? ModelConfig { get; init; }

    /// <summary>The GPUs available; omitted = every catalog GPU in its usual node, 8 GPUs at most.</summary>
    public RecommendationHardwareRequest? Hardware { get; init; }

    /// <summary>Request lengths and the arrival rate to sustain.</summary>
    [Required]
    public RecommendationWorkloadRequest? Workload { get; init; }

    /// <summary>Latency targets; omitted = only throughput and memory constrain the search.</summary>
    public SloRequest? Slo { get; init; }

    /// <summary>Weight formats allowed: fp32 | fp16 | bf16 | fp8 | int8 | int4 | fp4; at most 7; default ["bf16", "fp8"].
    /// Formats a GPU lacks tensor cores for run weight-only (said in <c>why</c>); fp4 is skipped on GPUs with neither FP4 nor FP8.</summary>
    /// <example>["bf16", "fp8"]</example>
    public IReadOnlyList<Precision>? Precisions { get; init; }

    /// <summary>vllm | sglang | trtllm | lmdeploy | generic; default vllm. The figures are for this engine; commands are given for vLLM, SGLang and TensorRT-LLM.</summary>
    /// <example>vllm</example>
    public Engine? Engine { get; init; }

    /// <summary>min-cost | min-gpus | min-latency | max-throughput-per-gpu; default min-cost.</summary>
    /// <example>min-cost</example>
    public Objective? Objective { get; init; }

    /// <summary>Plans to return, 1–50; default 5.</summary>
    /// <example>5</example>
    public int? Limit { get; init; }

    /// <summary>Engine memory fraction (vLLM --gpu-memory-utilization, SGLang --mem-fraction-static, TensorRT-LLM free-memory fraction); default each engine's. 0.01–1.</summary>
    /// <example>0.9</example>
    public double? GpuMemoryUtilization { get; init; }
}

/// <summary>The GPUs the search may use.</summary>
public sealed record RecommendationHardwareRequest
{
    /// <summary>GPU catalog ids to consider (see GET /v1/gpus), at most 32; omitted = the whole catalog.</summary>
    /// <example>["h100-sxm-80gb", "a100-sxm-80gb"]</example>
    public IReadOnlyList<string>? Gpus { get; init; }

    /// <summary>GPU budget for all replicas together, 1–1024; default 8.</summary>
    /// <example>16</example>
    public int? MaxGpus { get; init; }

    /// <summary>GPUs per node (NVLink domain), 1–72; default each GPU's usual node.</summary>
    /// <example>8</example>
    public int? GpusPerNode { get; init; }

    /// <summary>nvswitch | nvlink-bridge | pcie | pcie-cross-socket | pcie-host-staged | xgmi; default each GPU's usual link. GPUs that cannot have it are rejected.</summary>
    /// <example>nvswitch</example>
    public IntraNodeLink? IntraNode { get; init; }

    /// <summary>infiniband | infiniband-ndr | infiniband-hdr | roce | efa | tcpx | tcpxo | ethernet, between nodes; default infiniband (the NDR class).</summary>
    /// <example>infiniband</example>
    public InterNodeLink? InterNode { get; init; }

    /// <summary>NICs per node for the GPUs, where they differ from the fabric class's usual count (infiniband, roce: one per
    /// GPU; efa: 32; tcpx: 4; tcpxo: 8; ethernet: 1). 1–64.</summary>
    /// <example>8</example>
    public int? NicsPerNode { get; init; }

    /// <summary>Line rate of one NIC in Gb/s, where it differs from the fabric class's (infiniband, infiniband-ndr, roce: 400;
    /// infiniband-hdr, tcpx, tcpxo: 200; efa, ethernet: 100). Greater than 0, at most 3200.</summary>
    /// <example>400</example>
    public double? NicGbps { get; init; }
}

/// <summary>The load to sustain.</summary>
public sealed record RecommendationWorkloadRequest
{
    /// <summary>Prompt tokens per request, 1–2,000,000.</summary>
    /// <example>2048</example>
    [Required]
    public int? InputTokens { get; init; }

    /// <summary>Generated tokens per request, 1–1,000,000.</summary>
    /// <example>256</example>
    [Required]
    public int? OutputTokens { get; init; }

    /// <summary>Arrival rate across all replicas, requests per second; greater than 0, at most 1,000,000.</summary>
    /// <example>10</example>
    [Required]
    public double? RequestsPerSecond { get; init; }
}

/// <summary>Latency targets, milliseconds, as means or 99th percentiles; each optional, each greater than 0.</summary>
public sealed record SloRequest
{
    /// <summary>Time to first token, ms, queueing included.</summary>
    /// <example>500</example>
    public double? TtftMs { get; init; }

    /// <summary>Time per output token after the first, ms.</summary>
    /// <example>50</example>
    public double? TpotMs { get; init; }

    /// <summary>Time to first token that 99 % of requests meet, ms, queueing included.</summary>
    /// <example>1000</example>
    public double? TtftP99Ms { get; init; }

    /// <summary>Time per output token that 99 % of requests meet, ms (the source article's "under 50 ms p99").</summary>
    /// <example>50</example>
    public double? TpotP99Ms { get; init; }
}
