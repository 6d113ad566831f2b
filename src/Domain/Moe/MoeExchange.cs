using System.Text.Json.Serialization;

namespace Sizing.Domain.Moe;

/// <summary>How an MoE layer moves tokens to the experts and the results back.</summary>
public enum MoeExchange
{
    /// <summary>One GPU: nothing to exchange.</summary>
    [JsonStringEnumMemberName("none")] None,

    /// <summary>Tensor parallelism, with or without EP inside the tensor group: every rank sees every token, computes its own
    /// experts (or expert slices), and one all-reduce sums the outputs (vLLM without DP: no all-to-all kernels).</summary>
    [JsonStringEnumMemberName("all-reduce")] AllReduce,

    /// <summary>DP attention: every rank all-gathers the other ranks' tokens, runs its experts, and reduce-scatters the results
    /// back (vLLM's default --all2all-backend allgather_reducescatter; SGLang DP attention without an all-to-all backend).</summary>
    [JsonStringEnumMemberName("allgather-reducescatter")] AllGatherReduceScatter,

    /// <summary>A generic NCCL all-to-all of each rank's token copies (TensorRT-LLM's all-to-all beyond EP 8).</summary>
    [JsonStringEnumMemberName("all-to-all")] AllToAll,

    /// <summary>DeepEP dispatch and combine: normal kernels for prefill, low-latency kernels for decode.</summary>
    [JsonStringEnumMemberName("deepep")] DeepEp,
}

/// <summary>Which phase a step serves; it selects DeepEP's kernels.</summary>
public enum MoePhase
{
    /// <summary>Prompt tokens: DeepEP normal (high-throughput) kernels.</summary>
    [JsonStringEnumMemberName("prefill")] Prefill,

    /// <summary>Generated tokens: DeepEP low-latency kernels (CUDA-graph compatible).</summary>
    [JsonStringEnumMemberName("decode")] Decode,
}
