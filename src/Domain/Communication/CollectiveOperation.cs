using System.Text.Json.Serialization;

namespace Sizing.Domain.Communication;

/// <summary>A collective as nccl-tests names and measures it.</summary>
public enum CollectiveOperation
{
    /// <summary>Every rank ends with the element-wise sum; bus factor 2(n−1)/n.</summary>
    [JsonStringEnumMemberName("all-reduce")] AllReduce,

    /// <summary>Every rank ends with all n shards; bus factor (n−1)/n.</summary>
    [JsonStringEnumMemberName("all-gather")] AllGather,

    /// <summary>Every rank ends with its summed shard; bus factor (n−1)/n.</summary>
    [JsonStringEnumMemberName("reduce-scatter")] ReduceScatter,

    /// <summary>Every rank sends a distinct 1/n of its buffer to each other rank; bus factor (n−1)/n.</summary>
    [JsonStringEnumMemberName("all-to-all")] AllToAll,

    /// <summary>Each rank sends its buffer to the next (sendrecv_perf); bus factor 1.</summary>
    [JsonStringEnumMemberName("send-recv")] SendRecv,
}

/// <summary>Which library performs the collective.</summary>
public enum CollectiveImplementation
{
    /// <summary>NCCL (or RCCL, or torch.distributed over them).</summary>
    [JsonStringEnumMemberName("nccl")] Nccl,

    /// <summary>
    /// The vLLM/SGLang/TensorRT-LLM custom all-reduce kernel (one-shot/two-shot over peer-mapped buffers). Engines use it
    /// for all-reduces of at most 8 MiB inside one NVLink domain with 2–8 ranks; anything else falls back to NCCL.
    /// </summary>
    [JsonStringEnumMemberName("custom-allreduce")] CustomAllReduce,
}
