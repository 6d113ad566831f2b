using System.ComponentModel.DataAnnotations;
using Sizing.Domain.Deployment;
using Sizing.Domain.Moe;

namespace Sizing.Api.Contracts;

/// <summary>The GPUs one deployment runs on.</summary>
public sealed record HardwareRequest
{
    /// <summary>GPU catalog id (see GET /v1/gpus).</summary>
    /// <example>h100-sxm-80gb</example>
    [Required]
    public string? Gpu { get; init; }

    /// <summary>GPUs per node (or per NVLink domain); default: the catalog entry's usual node. 1–72.</summary>
    /// <example>8</example>
    public int? GpusPerNode { get; init; }

    /// <summary>Link between GPUs of a node: nvswitch | nvlink-bridge | pcie | pcie-cross-socket | pcie-host-staged (no P2P) | xgmi; default from the catalog.</summary>
    /// <example>nvswitch</example>
    public IntraNodeLink? IntraNode { get; init; }

    /// <summary>Fabric between nodes, used where a group spans nodes: infiniband | infiniband-ndr | infiniband-hdr | roce | efa | tcpx | tcpxo | ethernet; default infiniband
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
}

/// <summary>Parallel degrees; each defaults to 1 (redundantExperts to 0). One engine instance (a replica) runs on tensor ×
/// pipeline × attentionData GPUs; data counts every data-parallel attention rank of the deployment, so replicas = data /
/// attentionData. SGLang: <c>--tp {tensor × attentionData} --dp {attentionData} --enable-dp-attention --ep-size {expert}</c>;
/// vLLM: <c>--tensor-parallel-size {tensor} --data-parallel-size {attentionData} --enable-expert-parallel</c>; TensorRT-LLM:
/// <c>tensor_parallel_size {tensor × attentionData}</c>, <c>enable_attention_dp</c>, <c>moe_expert_parallel_size {expert}</c>.</summary>
public sealed record ParallelismRequest
{
    /// <summary>Tensor parallel: GPUs each attention and dense matmul is split across, inside one DP-attention rank (must divide
    /// the attention heads). 1–1024.</summary>
    /// <example>4</example>
    public int? Tensor { get; init; }

    /// <summary>Pipeline parallel: consecutive groups of layers on different GPUs. 1–256.</summary>
    /// <example>1</example>
    public int? Pipeline { get; init; }

    /// <summary>Expert parallel (MoE): groups the routed experts are divided among, over the MoE group of tensor × attentionData
    /// GPUs (SGLang --ep-size, TensorRT-LLM moe_expert_parallel_size; vLLM --enable-expert-parallel sets it to the whole
    /// group). Must divide tensor × attentionData. An expert degree wider than tensor without attentionData makes ⌈expert /
    /// tensor⌉ data ranks one engine with DP attention: {"tensor": 1, "data": 8, "expert": 8} is DP 8 attention with EP 8.
    /// 1–1024.</summary>
    /// <example>1</example>
    public int? Expert { get; init; }

    /// <summary>Data parallel: every data-parallel attention rank of the deployment, attentionData per engine × independent
    /// replicas; default attentionData (one engine). 1–100000.</summary>
    /// <example>1</example>
    public int? Data { get; init; }

    /// <summary>DP attention: data-parallel attention ranks inside one engine, each with its own sequences, KV cache (MLA
    /// latents included) and token budget, sharing the MoE layers (SGLang --dp with --enable-dp-attention, vLLM
    /// --data-parallel-size, TensorRT-LLM enable_attention_dp). Must divide data. MoE models only. Default: ⌈expert / tensor⌉
    /// where expert exceeds tensor and data allows, else 1. 1–1024.</summary>
    /// <example>1</example>
    public int? AttentionData { get; init; }

    /// <summary>Redundant expert slots for expert-parallel load balancing (EPLB): the hottest experts are replicated into them
    /// (SGLang --ep-num-redundant-experts with --enable-eplb, vLLM --enable-eplb with num_redundant_experts in --eplb-config,
    /// TensorRT-LLM moe_config.load_balancer num_slots − experts). Needs expert &gt; 1. 0–1024.</summary>
    /// <example>0</example>
    public int? RedundantExperts { get; init; }

    /// <summary>How MoE tokens cross the MoE group under DP attention: allgather-reducescatter (vLLM's default
    /// --all2all-backend, SGLang without --moe-a2a-backend) | all-to-all (TensorRT-LLM beyond EP 8) | deepep (SGLang
    /// --moe-a2a-backend deepep, vLLM --all2all-backend deepep_low_latency / deepep_high_throughput: low-latency kernels in
    /// decode, normal kernels in prefill); default the engine's. Without DP attention the MoE layers end in the tensor group's
    /// all-reduce whatever is named here.</summary>
    /// <example>deepep</example>
    public MoeExchange? MoeExchange { get; init; }
}

/// <summary>Numeric formats: fp32 | fp16 | bf16 | fp8 | int8 | int4 | fp4.</summary>
public sealed record PrecisionRequest
{
    /// <summary>Weight format; default bf16. Quantized formats apply to the transformer-block linears.</summary>
    /// <example>bf16</example>
    public Precision? Weights { get; init; }

    /// <summary>KV-cache format; default bf16 (fp16 when weights are fp16).</summary>
    /// <example>bf16</example>
    public Precision? KvCache { get; init; }
}

/// <summary>The requests one replica serves.</summary>
public sealed record WorkloadRequest
{
    /// <summary>Prompt tokens per request. 1–2,000,000.</summary>
    /// <example>2048</example>
    [Required]
    public int? InputTokens { get; init; }

    /// <summary>Generated tokens per request. 0–1,000,000.</summary>
    /// <example>256</example>
    [Required]
    public int? OutputTokens { get; init; }

    /// <summary>Requests in flight per replica; omitted = as many as fit in KV memory (saturated throughput). 1–100,000, and at most 10^10 tokens in flight (concurrency × (inputTokens + outputTokens)).</summary>
    /// <example>64</example>
    public int? Concurrency { get; init; }

    /// <summary>continuous | continuous-concurrency (both: <c>concurrency</c> clients, each sending its next request when the last
    /// one finishes, in step as a benchmark's fixed-length requests keep them) | continuous-rate (requests at <c>requestsPerSecond</c>, all at once without it) | offline-max (every request
    /// queued at once, as offline throughput benchmarks run) | static (one batch that starts and ends together); default continuous.</summary>
    /// <example>continuous</example>
    public BatchingMode? Batching { get; init; }

    /// <summary>How requests arrive, when it differs from what <c>batching</c> implies: waves (closed-loop clients whose
    /// fixed-length requests keep them in step, as a concurrency benchmark runs; the default with clients) | steady (closed-loop
    /// clients out of step, as live traffic or varied lengths) | burst (all at once, as a benchmark run starts) | rate (open loop at
    /// <c>requestsPerSecond</c>).</summary>
    /// <example>steady</example>
    public Arrival? Arrival { get; init; }

    /// <summary>Arrival rate per replica for continuous-rate or arrival rate, requests per second; greater than 0, at most 1,000,000.</summary>
    /// <example>4</example>
    public double? RequestsPerSecond { get; init; }

    /// <summary>Requests in the run, as a benchmark's --num-prompts: the size of a burst, or how long a rate-driven run lasts (default
    /// 1,000); with concurrency clients, the run's first wave arrives at once (default ten waves). 1–10,000,000.</summary>
    /// <example>1000</example>
    public int? NumPrompts { get; init; }
}
