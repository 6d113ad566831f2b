using System.Text.Json.Serialization;
using Sizing.Domain.Deployment;
using Sizing.Domain.Disaggregation;
using Sizing.Domain.Performance;
using Sizing.Domain.Speculative;
using Sizing.Domain.Units;

namespace Sizing.Domain.Recommendation;

/// <summary>The answer to a search: ranked plans, what was rejected and why, and the throughput/latency front.</summary>
/// <param name="Plans">Plans that meet the SLO, best first (at most the input's limit).</param>
/// <param name="Rejected">Rejected alternatives, closest misses first (at most the input's rejected limit).</param>
/// <param name="RejectedCount">All rejected layouts.</param>
/// <param name="RejectedByKind">Rejected layouts per kind of reason.</param>
/// <param name="CandidatesEvaluated">Candidates (GPU × precision × TP × PP × EP × replicas) the search reached a verdict on.</param>
/// <param name="EstimatesRun">Performance-model evaluations actually run (the rest were decided by pruning or monotonicity).</param>
/// <param name="Truncated">True when the time budget stopped the search before every layout was evaluated.</param>
/// <param name="Warnings">Search-level notes (truncation, nothing meets the SLO).</param>
/// <param name="ParetoFront">Output tokens/s per GPU against tokens/s per user: the points no other evaluated point beats on both.</param>
/// <param name="Assumptions">The search's own assumptions and the estimators'.</param>
public sealed record RecommendationResult(
    IReadOnlyList<Plan> Plans,
    IReadOnlyList<Rejection> Rejected,
    int RejectedCount,
    IReadOnlyDictionary<RejectionKind, int> RejectedByKind,
    long CandidatesEvaluated,
    int EstimatesRun,
    bool Truncated,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<ParetoPoint> ParetoFront,
    IReadOnlyList<Assumption> Assumptions);

/// <summary>One deployment that meets the SLO, with its figures, launch commands and the reasons it was chosen.</summary>
/// <param name="Rank">1 = best under the objective.</param>
/// <param name="Hardware">The server kind.</param>
/// <param name="Parallelism">Per-replica degrees; <c>Data</c> = replicas.</param>
/// <param name="Weights">Weight format.</param>
/// <param name="KvCache">KV-cache format.</param>
/// <param name="ConcurrencyPerReplica">Requests in flight per replica at the target load (Little's law).</param>
/// <param name="RequestsPerSecondPerReplica">The share of the load one replica serves.</param>
/// <param name="CapacityRequestsPerSecondPerReplica">What one replica completes at its KV-limited concurrency.</param>
/// <param name="Utilization">Load over capacity, ρ.</param>
/// <param name="Queueing">Mean wait before admission (M/D/1), included in <paramref name="Ttft"/>.</param>
/// <param name="Ttft">Time to first token at the target load: queueing plus the engine's prefill and step wait.</param>
/// <param name="TtftP99">TTFT 99 % of requests meet at the target load: the engine's p99 plus the queue's.</param>
/// <param name="Estimate">The full estimate of one replica at <paramref name="ConcurrencyPerReplica"/>.</param>
/// <param name="Input">The deployment the estimate is for.</param>
/// <param name="CostPerHourUsd">All GPUs at the catalog price.</param>
/// <param name="CostPerMillionOutputTokensUsd">Cost per hour over the output tokens the target load produces per hour, × 10^6.</param>
/// <param name="SaturatedOutputTokensPerSecondPerGpu">Output tokens/s per GPU at the KV-limited concurrency (the max-throughput-per-gpu objective).</param>
/// <param name="MeetsSlo">Always true for plans; kept so the response says so.</param>
/// <param name="MeetsSloAcrossBand">True when the pessimistic edge of each judged figure's error band still meets its target; false
/// when the plan meets the SLO only at the estimate or its optimistic side.</param>
/// <param name="ForcedAcrossNodes">True when tensor parallelism spans nodes because nothing within one node fits.</param>
/// <param name="Why">What decided this plan, with figures.</param>
/// <param name="EngineArgs">Ready-to-run launch commands.</param>
/// <param name="Checklist">What to check on the machines before trusting the figures.</param>
/// <param name="Disaggregation">The prefill and decode pools when the plan splits them; null for one aggregated layout (then
/// <paramref name="Parallelism"/>, <paramref name="Estimate"/> and the replica figures are the decode pool's when split).</param>
/// <param name="Speculative">Speculative decoding the plan runs (MTP where the model ships it); null without.</param>
public sealed record Plan(
    int Rank,
    HardwareOption Hardware,
    Parallelism Parallelism,
    Precision Weights,
    Precision KvCache,
    int ConcurrencyPerReplica,
    double RequestsPerSecondPerReplica,
    double CapacityRequestsPerSecondPerReplica,
    double Utilization,
    Seconds Queueing,
    Seconds Ttft,
    Seconds TtftP99,
    DeploymentEstimate Estimate,
    DeploymentInput Input,
    double CostPerHourUsd,
    double CostPerMillionOutputTokensUsd,
    double SaturatedOutputTokensPerSecondPerGpu,
    bool MeetsSlo,
    bool MeetsSloAcrossBand,
    bool ForcedAcrossNodes,
    IReadOnlyList<string> Why,
    EngineCommands EngineArgs,
    IReadOnlyList<string> Checklist,
    DisaggregatedPlan? Disaggregation = null,
    SpeculativeOutcome? Speculative = null)
{
    /// <summary>Independent engine instances (decode instances when disaggregated).</summary>
    public int Replicas => Parallelism.Replicas;

    public int TotalGpus => Disaggregation?.TotalGpus ?? Parallelism.TotalGpus;
}

/// <summary>A plan's prefill and decode pools.</summary>
/// <param name="PrefillParallelism">One prefill instance's layout.</param>
/// <param name="DecodeParallelism">One decode instance's layout.</param>
/// <param name="Link">The link each request's KV crosses from prefill to decode.</param>
/// <param name="Estimate">The whole deployment at the target load.</param>
public sealed record DisaggregatedPlan(
    HardwareOption PrefillHardware,
    Parallelism PrefillParallelism,
    int PrefillInstances,
    HardwareOption DecodeHardware,
    Parallelism DecodeParallelism,
    int DecodeInstances,
    KvTransferLink Link,
    DisaggregatedEstimate Estimate)
{
    public int PrefillGpus => PrefillInstances * PrefillParallelism.GpusPerReplica;

    public int DecodeGpus => DecodeInstances * DecodeParallelism.GpusPerReplica;

    public int TotalGpus => PrefillGpus + DecodeGpus;
}

/// <summary>Launch commands for one replica, and what they assume.</summary>
/// <param name="Vllm">The vLLM command; null when vLLM cannot run this plan (a note says why).</param>
/// <param name="Sglang">The SGLang command; null when SGLang cannot run this plan.</param>
/// <param name="Trtllm">The TensorRT-LLM command; null when TensorRT-LLM cannot run this plan (AMD GPUs, formats it lacks).</param>
/// <param name="Notes">Which checkpoint to make where none is published, what each command assumes, why one is missing.</param>
/// <remarks>A disaggregated plan's command for an engine is several lines: the prefill instance, the decode instance, and the
/// router (or disaggregated server) in front of them.</remarks>
public sealed record EngineCommands(string? Vllm, string? Sglang, string? Trtllm, IReadOnlyList<string> Notes);

/// <summary>Why a layout was not recommended.</summary>
public enum RejectionKind
{
    /// <summary>The SLO's TPOT is missed even at the most replicas the budget allows.</summary>
    [JsonStringEnumMemberName("misses-tpot")] MissesTpot,

    /// <summary>The SLO's TTFT is missed even at the most replicas the budget allows.</summary>
    [JsonStringEnumMemberName("misses-ttft")] MissesTtft,

    /// <summary>The budget does not allow enough replicas for the request rate.</summary>
    [JsonStringEnumMemberName("misses-throughput")] MissesThroughput,

    /// <summary>Enough better plans were found that this layout could not rank, whatever it does under the load: its bound on
    /// the objective (cost or GPUs of the fewest replicas its capacity needs, or its saturated throughput per GPU) is worse
    /// than theirs, so its replica counts were not loaded.</summary>
    [JsonStringEnumMemberName("outranked")] Outranked,

    /// <summary>Tensor parallelism would cross nodes while a layout inside one node fits.</summary>
    [JsonStringEnumMemberName("spans-nodes")] SpansNodes,

    /// <summary>Weights, activations and runtime leave no room for the KV cache.</summary>
    [JsonStringEnumMemberName("does-not-fit")] DoesNotFit,

    /// <summary>The GPU cannot serve this weight format sensibly.</summary>
    [JsonStringEnumMemberName("unsupported-precision")] UnsupportedPrecision,

    /// <summary>The node's link needs a scale-up fabric this GPU lacks.</summary>
    [JsonStringEnumMemberName("unsupported-link")] UnsupportedLink,

    /// <summary>The degrees do not divide the model (heads, KV heads, layers, experts).</summary>
    [JsonStringEnumMemberName("invalid-parallelism")] InvalidParallelism,
}

/// <summary>A rejected layout.</summary>
/// <param name="Replicas">The replica count the verdict is for (the most the budget allows for SLO misses).</param>
/// <param name="Ttft">TTFT at that point, where one was estimated.</param>
/// <param name="Tpot">TPOT at that point, where one was estimated.</param>
/// <param name="MissRatio">How far off: achieved over target (SLO), needed over available (memory, replicas); 0 when not a miss.</param>
public sealed record Rejection(
    HardwareOption Hardware,
    Parallelism Parallelism,
    Precision Weights,
    Precision KvCache,
    int Replicas,
    RejectionKind Kind,
    IReadOnlyList<string> Reasons,
    Seconds? Ttft,
    Seconds? Tpot,
    double MissRatio);

/// <summary>One point of the throughput/latency trade-off: one layout at one concurrency.</summary>
public sealed record ParetoPoint(
    HardwareOption Hardware,
    Parallelism Parallelism,
    Precision Weights,
    int Concurrency,
    double OutputTokensPerSecondPerGpu,
    double OutputTokensPerSecondPerUser,
    Seconds Ttft,
    Seconds Tpot);
