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

    /// <summary>Whether long prompts are split into chunks (default true, as in vLLM V1). False profiles a whole prompt in one pass.</summary>
    /// <example>true</example>
    public bool? ChunkedPrefill { get; init; }

    /// <summary>KV block size in tokens (vLLM --block-size; default 16). 1–1024.</summary>
    /// <example>16</example>
    public int? BlockSize { get; init; }
}
