using Sizing.Domain.Deployment;
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
    Seconds QueueingP99 = default)
{
    public Seconds Ttft => Estimate.Ttft + Queueing;

    /// <summary>TTFT 99 % of requests meet: the engine's p99 plus the queue's.</summary>
    public Seconds TtftP99 => Estimate.TtftP99 + QueueingP99;

    public int TotalGpus => Replicas * Layout.Parallelism.GpusPerReplica;

    public double CostPerHourUsd => TotalGpus * Layout.Hardware.Gpu.Price.UsdPerHour;

    /// <summary>Output tokens/s per GPU at the KV-limited concurrency.</summary>
    public double SaturatedPerGpu => Layout.At(Layout.MaxConcurrency).OutputTokensPerSecond / Layout.Parallelism.GpusPerReplica;
}

/// <summary>Why a layout failed, before it is tied to its configuration.</summary>
internal sealed record Verdict(RejectionKind Kind, int Replicas, IReadOnlyList<string> Reasons, Seconds? Ttft, Seconds? Tpot, double Ratio);

/// <summary>What became of one layout: a plan candidate, or a verdict against it.</summary>
internal sealed record LayoutOutcome(LayoutEvaluation? Layout, Candidate? Plan, Rejection? Rejection);

/// <summary>Identifies a layout among the search's outcomes.</summary>
internal readonly record struct LayoutKey(int Hardware, Precision Weights, int Tensor, int Pipeline, int Expert);
