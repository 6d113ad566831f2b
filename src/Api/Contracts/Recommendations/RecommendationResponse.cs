using Sizing.Api.Contracts.Estimates;

namespace Sizing.Api.Contracts.Recommendations;

/// <summary>Ranked deployments that meet the SLO, what was rejected and why, and the throughput/latency front.
/// An impossible SLO is still a 200: <c>recommendations</c> is empty and <c>rejected</c> starts with the closest misses.</summary>
/// <param name="Recommendations">Plans that meet the SLO, best first under the objective.</param>
/// <param name="Rejected">Rejected layouts, closest misses first (at most 50).</param>
/// <param name="RejectedCount">All rejected layouts.</param>
/// <param name="RejectedByReason">Rejected layouts per reason: misses-tpot | misses-ttft | misses-throughput | outranked | spans-nodes | does-not-fit | unsupported-precision | unsupported-link | invalid-parallelism.</param>
/// <param name="CandidatesEvaluated">Candidates (GPU × precision × TP × PP × EP × replicas) the search reached a verdict on. Example: 2622.</param>
/// <param name="EstimatesRun">Performance-model evaluations run; the rest were decided by pruning or because latency only falls as replicas rise.</param>
/// <param name="Truncated">True when the search hit its 2 s time budget; the answer covers what it reached.</param>
/// <param name="Objective">The objective the ranking used.</param>
/// <param name="Warnings">Search-level notes.</param>
/// <param name="ParetoFront">Output tokens/s per GPU against tokens/s per user over every evaluated layout and concurrency (each fitting layout at one request and at its KV-limited concurrency, plus the concurrencies its replica search loaded; an outranked layout is not loaded): the points nothing beats on both, fastest per user first.</param>
/// <param name="Assumptions">The queueing model and every estimator constant used.</param>
public sealed record RecommendationResponse(
    IReadOnlyList<RecommendationPlanResponse> Recommendations,
    IReadOnlyList<RejectedResponse> Rejected,
    int RejectedCount,
    IReadOnlyDictionary<string, int> RejectedByReason,
    long CandidatesEvaluated,
    int EstimatesRun,
    bool Truncated,
    string Objective,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<ParetoPointResponse> ParetoFront,
    IReadOnlyList<AssumptionResponse> Assumptions);

/// <summary>One deployment that meets the SLO. Figures are per replica unless named total.</summary>
/// <param name="Rank">1 = best under the objective.</param>
/// <param name="Gpu">GPU catalog id. Example: h100-sxm-80gb.</param>
/// <param name="Node">The node shape and links assumed.</param>
/// <param name="Parallelism">Degrees as a request gives them: data = replicas × attentionData (every DP-attention rank).</param>
/// <param name="Replicas">Independent replicas behind a load balancer. Example: 2.</param>
/// <param name="TotalGpus">replicas × tensor × pipeline × attentionData. Example: 8.</param>
/// <param name="GpusPerReplica">tensor × pipeline × attentionData. Example: 4.</param>
/// <param name="Precision">Weight and KV-cache formats.</param>
/// <param name="ConcurrencyPerReplica">Requests in flight per replica at the target load, from Little's law B = λ_replica × E2E(B). Example: 23.</param>
/// <param name="RequestsPerSecondPerReplica">The load one replica carries, req/s. Example: 5.</param>
/// <param name="CapacityRequestsPerSecondPerReplica">What one replica completes at its KV-limited concurrency, req/s.</param>
/// <param name="Utilization">Load over capacity, 0–1: drives the queueing wait.</param>
/// <param name="Latency">Latency at the target load, queueing included.</param>
/// <param name="Throughput">Per-replica throughput at <c>concurrencyPerReplica</c>.</param>
/// <param name="Memory">Per-GPU memory at <c>concurrencyPerReplica</c>.</param>
/// <param name="Communication">TP, PP and EP communication per step.</param>
/// <param name="CostPerHourUsd">All GPUs at the catalog's indicative price, USD/h. Example: 23.92.</param>
/// <param name="CostPerMillionOutputTokensUsd">Cost per million output tokens at the target load, USD.</param>
/// <param name="MeetsSlo">True: every plan meets the SLO.</param>
/// <param name="MeetsSloAcrossBand">True when the pessimistic edge of each targeted figure's error band (TTFT with queueing, TPOT,
/// and their p99s where targeted) still meets its target; false when the plan meets the SLO only at the estimate or its optimistic side (<c>why</c> says which).</param>
/// <param name="ForcedAcrossNodes">True when tensor parallelism spans nodes because nothing inside one node fits.</param>
/// <param name="Why">What decided this plan, with figures.</param>
/// <param name="EngineArgs">Ready-to-run launch commands for one replica.</param>
/// <param name="Checklist">What to verify on the machines: topology, all-reduce bandwidth, KV headroom.</param>
/// <param name="Warnings">The estimate's warnings.</param>
/// <param name="Uncertainty">Error bands of the plan's latency and of the replica's throughput and memory at
/// <c>concurrencyPerReplica</c>.</param>
/// <param name="Disaggregation">The prefill and decode pools when the plan splits them (then parallelism, replicas, memory,
/// communication and throughput are the decode pool's, totalGpus and the cost both pools'); null for an aggregated plan.</param>
/// <param name="Speculative">The MTP speculation the plan runs and what it does at its batch; null without.</param>
public sealed record RecommendationPlanResponse(
    int Rank,
    string Gpu,
    PlanNodeResponse Node,
    ParallelismResponse Parallelism,
    int Replicas,
    int TotalGpus,
    int GpusPerReplica,
    PrecisionResponse Precision,
    int ConcurrencyPerReplica,
    double RequestsPerSecondPerReplica,
    double CapacityRequestsPerSecondPerReplica,
    double Utilization,
    PlanLatencyResponse Latency,
    ThroughputResponse Throughput,
    MemoryResponse Memory,
    CommunicationResponse Communication,
    double CostPerHourUsd,
    double CostPerMillionOutputTokensUsd,
    bool MeetsSlo,
    bool MeetsSloAcrossBand,
    bool ForcedAcrossNodes,
    IReadOnlyList<string> Why,
    EngineArgsResponse EngineArgs,
    IReadOnlyList<string> Checklist,
    IReadOnlyList<string> Warnings,
    PlanUncertaintyResponse Uncertainty,
    DisaggregationResponse? Disaggregation,
    SpeculativeResponse? Speculative);

/// <summary>Error bands of a plan's figures (docs/calibration.md, "Error bands"): each latency's around the figure in <c>latency</c>
/// (queueing included, scaled by the engine figure's band), the tails from their family's band.</summary>
/// <param name="TtftMs">Band of <c>latency.ttftMs</c>.</param>
/// <param name="TpotMs">Band of <c>latency.tpotMs</c>.</param>
/// <param name="E2eMs">Band of <c>latency.e2eMs</c>.</param>
/// <param name="TtftP99Ms">Band of <c>latency.ttftP99Ms</c>, from TTFT's band.</param>
/// <param name="TpotP99Ms">Band of <c>latency.tpotP99Ms</c>, from TPOT's band.</param>
/// <param name="OutputTokensPerSecond">Band of <c>throughput.outputTokensPerSecond</c> (the same relative band holds per GPU).</param>
/// <param name="OutputTokensPerSecondPerUser">Band of <c>throughput.outputTokensPerSecondPerUser</c>.</param>
/// <param name="WeightsGiB">Band of <c>memory.perGpu.weightsGiB</c>.</param>
/// <param name="KvCachePoolGiB">Band of <c>memory.perGpu.kvCachePoolGiB</c>.</param>
/// <param name="ActivationsGiB">Band of <c>memory.perGpu.activationsGiB</c>.</param>
public sealed record PlanUncertaintyResponse(
    FigureBandResponse TtftMs,
    FigureBandResponse TpotMs,
    FigureBandResponse E2eMs,
    FigureBandResponse TtftP99Ms,
    FigureBandResponse TpotP99Ms,
    FigureBandResponse OutputTokensPerSecond,
    FigureBandResponse OutputTokensPerSecondPerUser,
    FigureBandResponse WeightsGiB,
    FigureBandResponse KvCachePoolGiB,
    FigureBandResponse ActivationsGiB);

/// <summary>Latency of one request at the target load.</summary>
/// <param name="TtftMs">Time to first token, ms: queueing + the engine's prefill and step wait. Example: 412.7.</param>
/// <param name="QueueingMs">Mean wait before admission (M/D/1), ms. Example: 153.7.</param>
/// <param name="EngineTtftMs">TTFT without queueing, ms.</param>
/// <param name="TpotMs">Time per output token after the first, ms. Example: 43.6.</param>
/// <param name="E2eMs">Queueing + TTFT + (outputTokens − 1) × TPOT, ms.</param>
/// <param name="TtftP99Ms">TTFT 99 % of requests meet, queueing included, ms.</param>
/// <param name="TpotP99Ms">TPOT 99 % of requests meet (other requests' prefill chunks slow some), ms.</param>
public sealed record PlanLatencyResponse(double TtftMs, double QueueingMs, double EngineTtftMs, double TpotMs, double E2eMs, double TtftP99Ms, double TpotP99Ms);

/// <summary>The node a plan assumes.</summary>
/// <param name="GpusPerNode">GPUs per node. Example: 8.</param>
/// <param name="IntraNode">nvswitch | nvlink-bridge | pcie | pcie-cross-socket | xgmi.</param>
/// <param name="InterNode">infiniband | infiniband-ndr | infiniband-hdr | roce | efa | tcpx | tcpxo | ethernet.</param>
public sealed record PlanNodeResponse(int GpusPerNode, string IntraNode, string InterNode);

/// <summary>Numeric formats.</summary>
/// <param name="Weights">Weight format. Example: bf16.</param>
/// <param name="KvCache">KV-cache format (the engine's default for these weights). Example: bf16.</param>
public sealed record PrecisionResponse(string Weights, string KvCache);

/// <summary>Launch commands for one replica.</summary>
/// <param name="Vllm">Null when vLLM cannot run the plan (a note says why). Example: vllm serve meta-llama/Llama-3.1-70B-Instruct --tensor-parallel-size 4 --pipeline-parallel-size 1 --gpu-memory-utilization 0.9 --max-model-len 2304.</param>
/// <param name="Sglang">Null when SGLang cannot run the plan. Example: python -m sglang.launch_server --model-path meta-llama/Llama-3.1-70B-Instruct --tp 4 --mem-fraction-static 0.85 --context-length 2304.</param>
/// <param name="Trtllm">Null when TensorRT-LLM cannot run the plan (AMD GPUs, formats it lacks). Example: trtllm-serve nvidia/Llama-3.1-70B-Instruct-FP8 --tp_size 2 --pp_size 1 --max_seq_len 2304 --max_batch_size 205 --kv_cache_free_gpu_memory_fraction 0.9.</param>
/// <param name="Notes">Checkpoints to make where none is published, why a command is missing, multi-node start-up and replicas.</param>
public sealed record EngineArgsResponse(string? Vllm, string? Sglang, string? Trtllm, IReadOnlyList<string> Notes);

/// <summary>A layout the search rejected.</summary>
/// <param name="Gpu">GPU catalog id.</param>
/// <param name="Node">The node shape and links assumed.</param>
/// <param name="Parallelism">Degrees; data = attentionData × the replica count the verdict is for.</param>
/// <param name="Precision">Formats.</param>
/// <param name="Replicas">The replica count the verdict is for (for SLO misses, the most the budget allows).</param>
/// <param name="Reason">misses-tpot | misses-ttft | misses-throughput | outranked | spans-nodes | does-not-fit | unsupported-precision | unsupported-link | invalid-parallelism.</param>
/// <param name="Reasons">The reasons, with figures, e.g. "misses TPOT: 71 ms > 50 ms ...".</param>
/// <param name="TtftMs">TTFT at that point, ms, where one was estimated.</param>
/// <param name="TpotMs">TPOT at that point, ms, where one was estimated.</param>
/// <param name="MissRatio">How far off: achieved over target for SLO misses, needed over available for memory and replicas; 0 otherwise.</param>
public sealed record RejectedResponse(
    string Gpu,
    PlanNodeResponse Node,
    ParallelismResponse Parallelism,
    PrecisionResponse Precision,
    int Replicas,
    string Reason,
    IReadOnlyList<string> Reasons,
    double? TtftMs,
    double? TpotMs,
    double MissRatio);

/// <summary>One point of the throughput/latency trade-off.</summary>
/// <param name="Gpu">GPU catalog id.</param>
/// <param name="Precision">Weight format.</param>
/// <param name="Tensor">Tensor parallel.</param>
/// <param name="Pipeline">Pipeline stages.</param>
/// <param name="Expert">Expert parallel.</param>
/// <param name="AttentionData">DP-attention ranks per replica.</param>
/// <param name="Concurrency">Requests in flight per replica.</param>
/// <param name="OutputTokensPerSecondPerGpu">Replica output tokens/s over its GPUs (x axis). Example: 820.</param>
/// <param name="OutputTokensPerSecondPerUser">1 / TPOT (y axis). Example: 45.</param>
/// <param name="TtftMs">TTFT without queueing, ms.</param>
/// <param name="TpotMs">TPOT, ms.</param>
public sealed record ParetoPointResponse(
    string Gpu,
    string Precision,
    int Tensor,
    int Pipeline,
    int Expert,
    int AttentionData,
    int Concurrency,
    double OutputTokensPerSecondPerGpu,
    double OutputTokensPerSecondPerUser,
    double TtftMs,
    double TpotMs);
