using System.ComponentModel.DataAnnotations;
using Sizing.Domain.Disaggregation;
using Sizing.Domain.Speculative;

namespace Sizing.Api.Contracts.Estimates;

/// <summary>Prefill/decode disaggregation (xPyD): prompts run on a prefill pool, generation on a decode pool, and each request's
/// KV cache crosses from one to the other (DistServe, Splitwise, Mooncake; SGLang <c>--disaggregation-mode prefill|decode</c>
/// behind its router, vLLM's KV-transfer connectors, TensorRT-LLM disaggregated serving). The figures are for the offered
/// load <c>workload.requestsPerSecond</c>, spread evenly over each pool's instances.</summary>
public sealed record DisaggregationRequest
{
    /// <summary>The pool that runs the prompts.</summary>
    [Required]
    public PoolRequest? Prefill { get; init; }

    /// <summary>The pool that generates the output tokens.</summary>
    [Required]
    public PoolRequest? Decode { get; init; }

    /// <summary>Link the KV cache crosses from a prefill instance to a decode instance: nvlink (both in one NVLink domain) |
    /// infiniband | roce (GPUDirect RDMA: NIXL, Mooncake transfer engine) | ethernet (TCP) | pcie; default infiniband.</summary>
    /// <example>infiniband</example>
    public KvTransferLink? KvLink { get; init; }

    /// <summary>Each layer's KV leaves as soon as the layer is computed, overlapping the rest of the prefill (Splitwise §IV-C);
    /// default false: the whole KV leaves after the prefill, as vLLM's and SGLang's NIXL/Mooncake connectors send it.</summary>
    /// <example>false</example>
    public bool? LayerwiseTransfer { get; init; }
}

/// <summary>One pool: its GPUs, one engine instance's layout, and how many instances.</summary>
public sealed record PoolRequest
{
    /// <summary>GPU catalog id of the pool; default <c>hardware.gpu</c>. A different GPU keeps its catalog node shape and link.</summary>
    /// <example>h100-sxm-80gb</example>
    public string? Gpu { get; init; }

    /// <summary>One instance's degrees (tensor, pipeline, expert, data = its DP-attention ranks, attentionData,
    /// redundantExperts, moeExchange), as for an aggregated deployment.</summary>
    [Required]
    public ParallelismRequest? Parallelism { get; init; }

    /// <summary>Engine instances in the pool. 1–10,000.</summary>
    /// <example>2</example>
    [Required]
    public int? Instances { get; init; }
}

/// <summary>Speculative decoding: a drafter proposes <c>draftTokens</c> tokens per step and the model verifies them in one pass
/// (vLLM <c>--speculative-config</c>, SGLang <c>--speculative-algorithm</c>, TensorRT-LLM <c>speculative_config</c>).</summary>
public sealed record SpeculativeRequest
{
    /// <summary>mtp (the model's own multi-token-prediction modules, DeepSeek-V3/R1) | eagle (an EAGLE head on the model's
    /// hidden states) | draft (a smaller model of the same family, <c>draftModel</c>).</summary>
    /// <example>mtp</example>
    [Required]
    public SpeculativeMethod? Method { get; init; }

    /// <summary>k: tokens drafted per step (vLLM num_speculative_tokens, SGLang --speculative-num-steps, TensorRT-LLM
    /// num_nextn_predict_layers). 1–16; default 1 for mtp (one MTP module, as DeepSeek-V3 ships), required otherwise.</summary>
    /// <example>1</example>
    public int? DraftTokens { get; init; }

    /// <summary>a: probability a draft token is accepted once the ones before it were, 0–1. Default for mtp 0.85 (DeepSeek-V3
    /// technical report §5.4.3: "the acceptance rate of the second token prediction ranges between 85% and 90%"); required for
    /// eagle and draft, whose rates depend on how the head or draft model was trained (convert an engine's reported mean
    /// acceptance length L at k drafts with 1 + a + … + a^k = L).</summary>
    /// <example>0.85</example>
    public double? AcceptanceRate { get; init; }

    /// <summary>Catalog id of the draft model (method draft only; it must share the target's tokenizer).</summary>
    /// <example>llama-3.1-8b</example>
    public string? DraftModel { get; init; }
}
