using System.ComponentModel.DataAnnotations;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;

namespace Sizing.Api.Contracts.Collectives;

/// <summary>One collective on a topology, as nccl-tests would run it (e.g. <c>all_reduce_perf -g 8 -b 1G -e 1G</c>).</summary>
public sealed record CollectiveRequest
{
    /// <summary>all-reduce | all-gather | reduce-scatter | all-to-all | send-recv. Required. send-recv is nccl-tests'
    /// <c>sendrecv_perf</c>: each rank sends its buffer to the next and receives from the previous.</summary>
    /// <example>all-reduce</example>
    [Required]
    public CollectiveOperation? Operation { get; init; }

    /// <summary>GPU catalog id (see GET /v1/gpus). Required.</summary>
    /// <example>h100-sxm-80gb</example>
    [Required]
    public string? Gpu { get; init; }

    /// <summary>Ranks taking part, one per GPU. 1–4096. Required.</summary>
    /// <example>8</example>
    [Required]
    public int? GpuCount { get; init; }

    /// <summary>GPUs per node (or per NVLink domain); default: the catalog entry's usual node. 1–72. The group fills nodes in order.</summary>
    /// <example>8</example>
    public int? GpusPerNode { get; init; }

    /// <summary>Link between GPUs of a node: nvswitch | nvlink-bridge | pcie | pcie-cross-socket | pcie-host-staged (no P2P) | xgmi; default from the catalog.
    /// nvswitch and nvlink-bridge need an NVLink GPU, xgmi an Infinity Fabric one.</summary>
    /// <example>nvswitch</example>
    public IntraNodeLink? IntraNode { get; init; }

    /// <summary>Fabric between nodes, used where the group spans nodes: infiniband | infiniband-ndr | infiniband-hdr | roce | efa | tcpx | tcpxo | ethernet; default infiniband
    /// (the NDR class).</summary>
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

    /// <summary>ring | tree: the all-reduce algorithm to force, as NCCL_ALGO does (tree stands for NVLSTree too); default: the
    /// faster by NCCL's own model. Ring also turns NVLink SHARP off inside a node.</summary>
    /// <example>ring</example>
    public NcclAlgorithm? Algorithm { get; init; }

    /// <summary>nccl-tests <c>size</c>: the whole buffer in bytes (not per rank). 0–274,877,906,944 (256 GiB). Required.</summary>
    /// <example>1073741824</example>
    [Required]
    public long? MessageBytes { get; init; }

    /// <summary>nccl | custom-allreduce (the vLLM/SGLang/TensorRT-LLM kernel); default nccl. The custom kernel applies only to
    /// all-reduces of at most 8 MiB on 2–8 ranks of one node; anything else runs on NCCL, and the response says which ran.</summary>
    /// <example>nccl</example>
    public CollectiveImplementation? Implementation { get; init; }
}
