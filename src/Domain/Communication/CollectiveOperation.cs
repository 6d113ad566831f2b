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

    /// <summary>
    /// Each rank sends its buffer to the next and receives from the previous, a ring of pairs (nccl-tests
    /// <c>sendrecv_perf</c>: peer (rank+1) mod n); bus factor 1.
    /// </summary>
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

/// <summary>An NCCL all-reduce algorithm a run can force, as <c>NCCL_ALGO</c> does; without one, NCCL's tuner picks the faster.</summary>
public enum NcclAlgorithm
{
    /// <summary>Ring (<c>NCCL_ALGO=Ring</c>): bandwidth-optimal, 2(n−1) latency steps.</summary>
    [JsonStringEnumMemberName("ring")] Ring,

    /// <summary>
    /// Double binary tree between nodes, chain inside each (<c>NCCL_ALGO=Tree</c>; <c>NVLSTree</c> on NVLink-SHARP
    /// nodes): latency grows with log2 of the node count.
    /// </summary>
    [JsonStringEnumMemberName("tree")] Tree,
}
