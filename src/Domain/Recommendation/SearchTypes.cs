using Sizing.Domain.Deployment;
using Sizing.Domain.Disaggregation;
using Sizing.Domain.Performance;
using Sizing.Domain.Units;

namespace Sizing.Domain.Recommendation;

/// <summary>A layout at one replica count: the load each replica carries and what it does under it.</summary>
internal sealed record Candidate(
    LayoutEvaluation Layout,
    int Replicas,
    int Concurrency,
    double RequestsPerSecond,
    double Capacity,
    double Utilization,
    Seconds Queueing,
    PerformancePoint Estimate,
    bool Meets,
    bool Unsustainable,
    Seconds QueueingP99 = default,
    DisaggregatedChoice? Split = null)
{
    public Seconds Ttft => Estimate.Ttft + Queueing;

    /// <summary>TTFT 99 % of requests meet: the engine's p99 plus the queue's.</summary>
    public Seconds TtftP99 => Estimate.TtftP99 + QueueingP99;

    public int TotalGpus => Split?.TotalGpus ?? Replicas * Layout.Parallelism.GpusPerReplica;

    public double CostPerHourUsd => Split?.CostPerHourUsd ?? TotalGpus * Layout.Hardware.Gpu.Price.UsdPerHour;

    /// <summary>Output tokens/s per GPU at the KV-limited concurrency (split plans: the decode pool's capacity over all GPUs).</summary>
    public double SaturatedPerGpu => Split is { } split
        ? split.DecodeCapacityRequestsPerSecond * split.DecodeInstances * split.OutputTokens / split.TotalGpus
        : Layout.SaturatedPerGpu;

    public DeploymentKind Kind => Split is null ? Layout.Kind : DeploymentKind.Disaggregated;
}

/// <summary>The kinds of deployment a search compares, each with its best plan in the chosen plan's reasons.</summary>
internal enum DeploymentKind
{
    Disaggregated,
    DataParallelAttention,
    TensorParallel,
}

/// <summary>A prefill layout and a decode layout sized for the load, and what the split deployment does.</summary>
internal sealed record DisaggregatedChoice(
    LayoutEvaluation Prefill,
    int PrefillInstances,
    LayoutEvaluation Decode,
    int DecodeInstances,
    KvTransferLink Link,
    Speculative.SpeculativeConfiguration? Speculative,
    double DecodeCapacityRequestsPerSecond,
    int OutputTokens,
    Disaggregation.DisaggregatedEstimate Estimate)
{
    public int TotalGpus => (PrefillInstances * Prefill.Parallelism.GpusPerReplica) + (DecodeInstances * Decode.Parallelism.GpusPerReplica);

    public double CostPerHourUsd => (PrefillInstances * Prefill.Parallelism.GpusPerReplica * Prefill.Hardware.Gpu.Price.UsdPerHour)
        + (DecodeInstances * Decode.Parallelism.GpusPerReplica * Decode.Hardware.Gpu.Price.UsdPerHour);
}

/// <summary>A layout whose one-request figures meet the SLO and whose capacity the budget can carry.</summary>
/// <param name="MinReplicas">The fewest replicas its capacity needs for the load.</param>
/// <param name="MaxReplicas">The most the GPU budget allows.</param>
internal sealed record ScreenedLayout(LayoutEvaluation Layout, double Capacity, int MinReplicas, int MaxReplicas);

/// <summary>Why a layout failed, before it is tied to its configuration.</summary>
internal sealed record Verdict(RejectionKind Kind, int Replicas, IReadOnlyList<string> Reasons, Seconds? Ttft, Seconds? Tpot, double Ratio);

/// <summary>What became of one layout: a plan candidate, or a verdict against it.</summary>
internal sealed record LayoutOutcome(LayoutEvaluation? Layout, Candidate? Plan, Rejection? Rejection);

/// <summary>Identifies a layout among the search's outcomes.</summary>
internal readonly record struct LayoutKey(int Hardware, Precision Weights, int Tensor, int Pipeline, int Expert, int AttentionData = 1);
