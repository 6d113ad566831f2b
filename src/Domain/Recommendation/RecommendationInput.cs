using System.Text.Json.Serialization;
using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Recommendation;

/// <summary>What the ranking optimises once a plan meets the SLO.</summary>
public enum Objective
{
    /// <summary>Lowest cost per hour for the replicas the load needs; ties broken by TPOT, then total GPUs.</summary>
    /// <remarks>Every objective breaks its remaining ties the same way: fewer GPUs per replica, fewer pipeline stages, smaller TP,
    /// smaller EP, the wider weight format, then the GPU id.</remarks>
    [JsonStringEnumMemberName("min-cost")] MinCost,

    /// <summary>Fewest GPUs; ties broken by cost.</summary>
    [JsonStringEnumMemberName("min-gpus")] MinGpus,

    /// <summary>Lowest TPOT, then lowest TTFT.</summary>
    [JsonStringEnumMemberName("min-latency")] MinLatency,

    /// <summary>Most output tokens per second per GPU at the replica's saturated (KV-limited) concurrency.</summary>
    [JsonStringEnumMemberName("max-throughput-per-gpu")] MaxThroughputPerGpu,
}

/// <summary>One kind of server the search may use: a GPU and how its nodes are built.</summary>
/// <param name="NicsPerNode">NICs per node where they differ from the fabric class's; null keeps the class's.</param>
/// <param name="NicGbps">Gb/s per NIC where it differs from the fabric class's; null keeps the class's.</param>
public sealed record HardwareOption(
    GpuSpec Gpu, int GpusPerNode, IntraNodeLink IntraNode, InterNodeLink InterNode, int? NicsPerNode = null, double? NicGbps = null);

/// <summary>Latency targets; a null target is not constrained.</summary>
/// <param name="Ttft">Mean time to first token, queueing included.</param>
/// <param name="Tpot">Mean time per output token after the first.</param>
/// <param name="TtftP99">Time to first token that 99 % of requests meet, queueing included.</param>
/// <param name="TpotP99">Time per output token that 99 % of requests meet (prefill chunks of other requests make some slower).</param>
public sealed record ServiceLevel(Seconds? Ttft, Seconds? Tpot, Seconds? TtftP99 = null, Seconds? TpotP99 = null)
{
    public static ServiceLevel None { get; } = new(null, null);

    /// <summary>Whether TTFT (mean and p99) and TPOT (mean and p99) meet every target set.</summary>
    public bool MetBy(Seconds ttft, Seconds ttftP99, Seconds tpot, Seconds tpotP99) =>
        (Ttft is not { } t || ttft <= t) && (TtftP99 is not { } t99 || ttftP99 <= t99)
        && (Tpot is not { } p || tpot <= p) && (TpotP99 is not { } p99 || tpotP99 <= p99);

    /// <summary>The target closest to being missed at these figures (figure over target), or null without targets.</summary>
    public (string Name, Seconds Figure, Seconds Target)? Binding(Seconds ttft, Seconds ttftP99, Seconds tpot, Seconds tpotP99) =>
        Closest([("TTFT mean", ttft, Ttft), ("TTFT p99", ttftP99, TtftP99), ("TPOT mean", tpot, Tpot), ("TPOT p99", tpotP99, TpotP99)]);

    /// <summary>The TTFT target (mean or p99) closest to being missed, or null without a TTFT target.</summary>
    public (string Name, Seconds Figure, Seconds Target)? TtftBinding(Seconds mean, Seconds p99) => Closest([("TTFT", mean, Ttft), ("TTFT p99", p99, TtftP99)]);

    /// <summary>The TPOT target (mean or p99) closest to being missed, or null without a TPOT target.</summary>
    public (string Name, Seconds Figure, Seconds Target)? TpotBinding(Seconds mean, Seconds p99) => Closest([("TPOT", mean, Tpot), ("TPOT p99", p99, TpotP99)]);

    /// <summary>The candidate with the largest figure over target; on a tie the first (the mean before its p99).</summary>
    private static (string Name, Seconds Figure, Seconds Target)? Closest(ReadOnlySpan<(string Name, Seconds Figure, Seconds? Target)> candidates)
    {
        (string, Seconds, Seconds)? best = null;
        var ratio = 0.0;
        foreach (var (name, figure, target) in candidates)
        {
            if (target is { } t && figure / t > ratio)
            {
                ratio = figure / t;
                best = (name, figure, t);
            }
        }

        return best;
    }
}

/// <summary>A recommendation search: a model, the servers available, a GPU budget, a workload and its SLO.</summary>
/// <param name="Model">The model architecture.</param>
/// <param name="HfId">Hugging Face repository id for the launch commands; null = a placeholder.</param>
/// <param name="Hardware">Server kinds to search (each GPU with its node shape and links).</param>
/// <param name="MaxGpus">GPU budget for all replicas together.</param>
/// <param name="InputTokens">Prompt tokens per request.</param>
/// <param name="OutputTokens">Generated tokens per request (at least 1).</param>
/// <param name="RequestsPerSecond">Arrival rate the deployment must sustain (Poisson arrivals assumed).</param>
/// <param name="Slo">Latency targets.</param>
/// <param name="Precisions">Weight formats allowed.</param>
/// <param name="Engine">Serving engine the figures are for.</param>
/// <param name="Objective">What the ranking optimises.</param>
/// <param name="Limit">Plans to return.</param>
/// <param name="GpuMemoryUtilization">Engine memory fraction; null = the engine's default.</param>
/// <param name="RejectedLimit">Rejected alternatives to return (closest misses first); the counts cover all of them.</param>
/// <param name="Checkpoints">The model's published checkpoints (catalog order is preference order); the launch commands name the
/// one that matches each plan's precision. Empty for a model given by its config.</param>
/// <param name="Stop">Signalled when the caller's time budget is spent: the search stops and reports itself truncated.
/// The domain reads no clock; the edge turns its budget into this token.</param>
public sealed record RecommendationInput(
    ModelArchitecture Model,
    string? HfId,
    IReadOnlyList<HardwareOption> Hardware,
    int MaxGpus,
    int InputTokens,
    int OutputTokens,
    double RequestsPerSecond,
    ServiceLevel Slo,
    IReadOnlyList<Precision> Precisions,
    Engine Engine = Engine.Vllm,
    Objective Objective = Objective.MinCost,
    int Limit = 5,
    double? GpuMemoryUtilization = null,
    int RejectedLimit = 50,
    IReadOnlyList<Checkpoint>? Checkpoints = null,
    CancellationToken Stop = default)
{
    public IReadOnlyList<Checkpoint> Checkpoints { get; init; } = Checkpoints ?? [];
}
