using static Sizing.Domain.InvariantText;

namespace Sizing.Domain.Recommendation;

/// <summary>Branch and bound over the layouts that survived screening: a layout whose best possible plan ranks behind enough
/// plans already found is not loaded at all.</summary>
/// <remarks>
/// <para>Screening leaves each layout with its capacity, so the fewest replicas the load needs, n = ⌊λ / capacity⌋ + 1, is known
/// before any replica count is loaded. No plan of that layout costs less than n replicas, needs fewer GPUs than n replicas, or
/// differs in saturated throughput per GPU: that is its bound on the objective. Layouts are loaded best bound first, and one
/// whose bound is worse than the <paramref name="limit"/>-th plan found, than the best plan of its own kind, and (where speculation
/// retries the cheapest plans) than the cheapest few cannot change the ranked plans, the "best of each kind" the plans' reasons
/// cite, or which plans are retried with speculation.</para>
/// <para>Minimum latency is not bounded: a plan's TPOT rises with the load its replicas carry, which only loading decides.</para>
/// </remarks>
/// <param name="limit">Plans asked for.</param>
/// <param name="retried">The cheapest plans retried with speculation afterwards; 0 where the model has nothing to draft with.</param>
internal sealed class RankCutoff(Objective objective, int limit, int retried)
{
    private readonly List<double> _best = new(limit + 1);
    private readonly List<double> _cheapest = new(retried + 1);
    private readonly Dictionary<DeploymentKind, double> _bestOfKind = [];

    /// <summary>The objective's bound for <paramref name="replicas"/> or more replicas of a layout, lower is better; null when
    /// the objective has none.</summary>
    public double? Bound(LayoutEvaluation layout, int replicas) => objective switch
    {
        Objective.MinCost => Cost(layout, replicas),
        Objective.MinGpus => (double)replicas * layout.Parallelism.GpusPerReplica,
        Objective.MaxThroughputPerGpu => -layout.SaturatedPerGpu,
        _ => null,
    };

    /// <summary>Null while <paramref name="replicas"/> or more replicas of the layout could still rank; else what outranks them.</summary>
    public string? Outranks(LayoutEvaluation layout, int replicas)
    {
        if (!BehindLimit(layout, replicas) || Bound(layout, replicas) is not { } b
            || !_bestOfKind.TryGetValue(layout.Kind, out var own) || b <= own
            || (retried > 0 && (_cheapest.Count < retried || Cost(layout, replicas) <= _cheapest[retried - 1])))
        {
            return null;
        }

        var gpus = layout.Parallelism.GpusPerReplica;
        return objective switch
        {
            Objective.MinCost => Invariant($"{replicas} × {gpus} GPUs cost ${b:0.##}/h, more than the {limit} cheapest plans found (the {Ordinal(limit)} costs ${_best[limit - 1]:0.##}/h) and the best of its kind (${own:0.##}/h)"),
            Objective.MinGpus => Invariant($"{replicas} × {gpus} GPUs are more than the {limit} plans found with the fewest take (the {Ordinal(limit)} takes {_best[limit - 1]:0}) and the best of its kind ({own:0})"),
            _ => Invariant($"{-b:0} output tokens/s per GPU at saturation are fewer than the {limit} plans found with the most have (the {Ordinal(limit)} has {-_best[limit - 1]:0}) and the best of its kind ({-own:0})"),
        };
    }

    /// <summary>Whether <paramref name="replicas"/> replicas of the layout rank behind the plans asked for already, so it is loaded
    /// only for what it could show of its own kind (or of the cheapest few).</summary>
    public bool BehindLimit(LayoutEvaluation layout, int replicas) =>
        Bound(layout, replicas) is { } b && _best.Count >= limit && b > _best[limit - 1];

    /// <summary>Counts a plan found towards the cut.</summary>
    public void Admit(Candidate plan)
    {
        Insert(_cheapest, plan.CostPerHourUsd, retried);
        if (Bound(plan) is not { } key)
        {
            return;
        }

        Insert(_best, key, limit);
        var kind = plan.Kind;
        if (!_bestOfKind.TryGetValue(kind, out var own) || key < own)
        {
            _bestOfKind[kind] = key;
        }
    }

    private static void Insert(List<double> kept, double key, int keep)
    {
        if (keep == 0)
        {
            return;
        }

        var at = kept.BinarySearch(key);
        kept.Insert(at < 0 ? ~at : at, key);
        if (kept.Count > keep)
        {
            kept.RemoveAt(kept.Count - 1);
        }
    }

    private static double Cost(LayoutEvaluation layout, int replicas) =>
        (double)replicas * layout.Parallelism.GpusPerReplica * layout.Hardware.Gpu.Price.UsdPerHour;

    private double? Bound(Candidate plan) => objective switch
    {
        Objective.MinCost => plan.CostPerHourUsd,
        Objective.MinGpus => plan.TotalGpus,
        Objective.MaxThroughputPerGpu => -plan.SaturatedPerGpu,
        _ => null,
    };

    private static string Ordinal(int n) => n + (n % 100 is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });
}
