using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Sizing.Domain.Deployment;

namespace Sizing.Api.Contracts.Estimates;

/// <summary>One deployment to estimate: a model on some GPUs with a parallel layout, formats and a workload.</summary>
public sealed record EstimateRequest
{
    /// <summary>Model catalog id (see GET /v1/models). Give this or <c>modelConfig</c>.</summary>
    /// <example>llama-3-70b</example>
    public string? Model { get; init; }

    /// <summary>A Hugging Face config.json, as published, instead of a catalog id.</summary>
    public JsonElement? ModelConfig { get; init; }

    /// <summary>The GPUs.</summary>
    [Required]
    public HardwareRequest? Hardware { get; init; }

    /// <summary>Parallel degrees; default all 1.</summary>
    public ParallelismRequest? Parallelism { get; init; }

    /// <summary>Weight and KV formats; default bf16.</summary>
    public PrecisionRequest? Precision { get; init; }

    /// <summary>Request lengths and load.</summary>
    [Required]
    public WorkloadRequest? Workload { get; init; }

    /// <summary>vllm | sglang | trtllm | lmdeploy | generic; default vllm. Decides the memory budget rule and kernel efficiencies.</summary>
    /// <example>vllm</example>
    public Engine? Engine { get; init; }

    /// <summary>The engine release, e.g. "0.10.2" (vLLM) or "0.4.3.post4" (SGLang); "latest" or omitted = the newest the model
    /// knows. vLLM also accepts "v0" (0.7.3, the last V0 default) and "v1" (latest). It decides the scheduler defaults (V0: 256
    /// sequences, no chunked prefill below 32K context; V1 from 0.8.0; 8192 tokens / 1024 sequences on ≥ 70 GiB GPUs other than
    /// A100 from 0.9.0, else 2048 / 256), the sampler warm-up in the profiled activation peak (≈ 38 bytes per sequence and
    /// vocabulary entry before 0.11.0, ≈ 15 after), the hybrid KV allocator for sliding-window layers (0.10.0) and how the KV
    /// capacity is reported; for SGLang, the default mem_fraction_static.</summary>
    /// <example>0.10.2</example>
    public string? EngineVersion { get; init; }

    /// <summary>vLLM/SGLang: fraction of total GPU memory the engine may use (default 0.9; SGLang 0.85); TensorRT-LLM: fraction of
    /// the memory free after weights given to KV (free_gpu_memory_fraction, default 0.9). 0.01–1.</summary>
    /// <example>0.9</example>
    public double? GpuMemoryUtilization { get; init; }

    /// <summary>The engine's max model length (--max-model-len) in tokens; default inputTokens + outputTokens. KV capacity figures use it.</summary>
    /// <example>4096</example>
    public int? MaxModelLength { get; init; }

    /// <summary>Tokens per forward pass (--max-num-batched-tokens); default: the engine's (vLLM 8192 on ≥70 GiB GPUs, else 2048).</summary>
    /// <example>8192</example>
    public int? MaxNumBatchedTokens { get; init; }

    /// <summary>Sequences the scheduler runs at once (--max-num-seqs); default: the engine's (vLLM 1024 on ≥70 GiB GPUs, else 256).</summary>
    /// <example>256</example>
    public int? MaxNumSeqs { get; init; }

    /// <summary>Whether long prompts are split into chunks; default: the engine release's (vLLM V1: true; V0: only above 32K context).
    /// False profiles a whole prompt in one pass.</summary>
    /// <example>true</example>
    public bool? ChunkedPrefill { get; init; }

    /// <summary>KV block size in tokens (vLLM --block-size; default 16). 1–1024.</summary>
    /// <example>16</example>
    public int? BlockSize { get; init; }

    /// <summary>No CUDA graphs (vLLM --enforce-eager): their memory pool is not allocated. Default false.</summary>
    /// <example>false</example>
    public bool? EnforceEager { get; init; }

    /// <summary>Prefill/decode disaggregation: a prefill pool and a decode pool, each with its own GPU, layout and instance
    /// count, and the KV link between them; needs <c>workload.requestsPerSecond</c> (the offered load) and replaces
    /// <c>parallelism</c>. Omitted = one aggregated deployment.</summary>
    public DisaggregationRequest? Disaggregation { get; init; }

    /// <summary>Speculative decoding or multi-token prediction (in the decode pool when disaggregated); omitted = none.</summary>
    public SpeculativeRequest? Speculative { get; init; }
}
