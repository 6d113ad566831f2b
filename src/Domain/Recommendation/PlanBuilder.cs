using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;
using Sizing.Domain.Speculative;
using Sizing.Domain.Units;
using static Sizing.Domain.InvariantText;
using static Sizing.Domain.Recommendation.RecommendationSearch;

namespace Sizing.Domain.Recommendation;

/// <summary>Turns what the search found into ranked plans with their reasons, commands and checks.</summary>
internal static class PlanBuilder
{
    public static RecommendationResult Finish(SearchState state)
    {
        var input = state.Input;
        var ranked = Rank(state.Found, input.Objective).Take(input.Limit).ToList();
        var plans = new List<Plan>(ranked.Count);
        for (var i = 0; i < ranked.Count; i++)
        {
            plans.Add(Build(state, ranked[i], i + 1));
        }

        var rejected = state.Rejections
            .OrderBy(r => KindOrder(r.Kind))
            .ThenBy(r => r.Kind is RejectionKind.InvalidParallelism or RejectionKind.UnsupportedLink or RejectionKind.UnsupportedPrecision ? 0 : r.MissRatio)
            .Take(input.RejectedLimit)
            .ToList();
        var byKind = state.Rejections.GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Count());

        var warnings = new List<string>();
        if (state.Truncated)
        {
            warnings.Add(Invariant($"the search stopped at its time budget after {state.Layouts.Count} estimated layouts; narrow hardware.gpus or precisions for a complete answer"));
        }

        if (plans.Count == 0)
        {
            warnings.Add(state.Rejections.Any(r => r.Kind is RejectionKind.MissesTpot or RejectionKind.MissesTtft)
                ? "no deployment meets the SLO within the GPU budget; the closest misses come first in 'rejected'"
                : "no deployment fits and carries the load within the GPU budget; see 'rejected' for what stopped each layout");
        }

        var estimates = 0;
        foreach (var layout in state.Layouts)
        {
            estimates += layout.Count;
        }

        return new RecommendationResult(plans, rejected, state.Rejections.Count, byKind, state.Candidates, estimates, state.Truncated,
            warnings, Pareto(state), Assumptions(state));
    }

    private static IEnumerable<Candidate> Rank(List<Candidate> found, Objective objective) => TieBreak(objective switch
    {
        Objective.MinGpus => found.OrderBy(c => c.TotalGpus).ThenBy(c => c.CostPerHourUsd).ThenBy(c => c.Estimate.Tpot.Value),
        Objective.MinLatency => found.OrderBy(c => c.Estimate.Tpot.Value).ThenBy(c => c.Ttft.Value).ThenBy(c => c.CostPerHourUsd),
        Objective.MaxThroughputPerGpu => found.OrderByDescending(c => c.SaturatedPerGpu).ThenBy(c => c.CostPerHourUsd),
        _ => found.OrderBy(c => c.CostPerHourUsd).ThenBy(c => c.Estimate.Tpot.Value).ThenBy(c => c.TotalGpus),
    });

    /// <summary>Plans equal on the objective's keys: the simpler layout first (fewer GPUs per replica, fewer stages, smaller TP,
    /// smaller EP), then the wider weight format (less accuracy risk), then the GPU id, so the order never depends on the search's.</summary>
    private static IOrderedEnumerable<Candidate> TieBreak(IOrderedEnumerable<Candidate> ranked) => ranked
        .ThenBy(c => c.Layout.Parallelism.GpusPerReplica)
        .ThenBy(c => c.Layout.Parallelism.Pipeline)
        .ThenBy(c => c.Layout.Parallelism.Tensor)
        .ThenBy(c => c.Layout.Parallelism.Expert)
        .ThenByDescending(c => c.Layout.Weights.BytesPerElement())
        .ThenBy(c => c.Layout.Hardware.Gpu.Id, StringComparer.Ordinal);

    private static int KindOrder(RejectionKind kind) => kind switch
    {
        RejectionKind.MissesTpot or RejectionKind.MissesTtft => 0,
        RejectionKind.MissesThroughput => 1,
        RejectionKind.Outranked => 2,
        RejectionKind.SpansNodes => 3,
        RejectionKind.DoesNotFit => 4,
        RejectionKind.UnsupportedPrecision or RejectionKind.UnsupportedLink => 5,
        _ => 6,
    };

    private static Plan Build(SearchState state, Candidate c, int rank)
    {
        var input = state.Input;
        var layout = c.Layout;
        var tokensPerHour = input.RequestsPerSecond * input.OutputTokens * 3600;
        var perMillion = tokensPerHour > 0 ? c.CostPerHourUsd / tokensPerHour * 1e6 : 0;
        var parallelism = layout.Parallelism with { Data = c.Replicas * layout.Parallelism.AttentionData };
        if (c.Split is { } split)
        {
            var e = split.Estimate;
            var instance = e.DecodeInstance;
            var (splitSlo, splitAcrossBand) = Slo(input.Slo, c, instance.Bands);
            var plan = new DisaggregatedPlan(split.Prefill.Hardware, split.Prefill.Parallelism, split.PrefillInstances, split.Decode.Hardware,
                split.Decode.Parallelism, split.DecodeInstances, split.Link, e);
            return new Plan(rank, layout.Hardware, parallelism, layout.Weights, layout.KvCache, c.Concurrency, c.RequestsPerSecond, c.Capacity,
                c.Utilization, c.Queueing, c.Ttft, c.TtftP99, instance, e.Decode.Input, c.CostPerHourUsd, perMillion, c.SaturatedPerGpu, true, splitAcrossBand, false,
                SplitWhy(state, c, split, perMillion, splitSlo), EngineCommandBuilder.For(input, c), SplitChecklist(c, split), plan, e.Speculative);
        }

        var deployment = layout.Input with { Memory = layout.Input.Memory with { Concurrency = c.Concurrency } };
        var memory = MemoryEstimator.Estimate(deployment.Memory, state.Assumptions.Memory);
        var performance = layout.Full(c.Concurrency);
        var estimate = DeploymentEstimator.Assemble(deployment, memory, performance, state.Assumptions);
        var (sloLine, acrossBand) = Slo(input.Slo, c, estimate.Bands);
        var speculative = layout.SpeculationAt(layout.Plain(c.Concurrency));
        return new Plan(rank, layout.Hardware, parallelism, layout.Weights, layout.KvCache, c.Concurrency,
            c.RequestsPerSecond, c.Capacity, c.Utilization, c.Queueing, c.Ttft, c.TtftP99, estimate, deployment, c.CostPerHourUsd, perMillion,
            c.SaturatedPerGpu, true, acrossBand, layout.Forced, Why(state, c, performance, memory, perMillion, sloLine, speculative), EngineCommandBuilder.For(input, c),
            Checklist(c, memory), null, speculative);
    }

    /// <summary>Why a split plan: its SLO, the pools' sizing, the KV hand-over, its cost, and what it beat.</summary>
    private static List<string> SplitWhy(SearchState state, Candidate c, DisaggregatedChoice split, double perMillion, string slo)
    {
        var input = state.Input;
        var e = split.Estimate;
        var s = e.Serving;
        var p = split.Prefill;
        var d = split.Decode;
        var why = new List<string>
        {
            slo,
            Decision(state, c),
            Invariant($"disaggregated: {split.PrefillInstances} prefill instance{Plural(split.PrefillInstances)} of {Shape(p.Parallelism)} on {p.Hardware.Gpu.Id} and {split.DecodeInstances} decode instance{Plural(split.DecodeInstances)} of {Shape(d.Parallelism)} on {d.Hardware.Gpu.Id}, {split.TotalGpus} GPUs; decode steps carry no prompt chunks, so every request sees the decode pool's TPOT ({s.Tpot.Milliseconds:0.#} ms at {e.Decode.Sequences:0} sequences per instance)"),
            Invariant($"TTFT = prefill queue {s.PrefillQueue.Milliseconds:0.#} ms (M/D/1 at {s.Prefill.Utilization:P0} of the prefill pool) + prefill {e.PrefillTime.Milliseconds:0.#} ms + KV transfer {s.KvTransfer.Milliseconds:0.##} ms ({s.KvBytesPerRequest.Value / 1e6:0.#} MB per request over {EnumText.Of(split.Link)})"),
            Invariant($"rate match: prefill capacity {s.Prefill.CapacityRequestsPerSecond:0.#} req/s over decode capacity {s.Decode.CapacityRequestsPerSecond:0.#} req/s = {s.RateMatch:0.##}; prefill {s.Prefill.CapacityTokensPerSecondPerGpu:0} prompt tokens/s per GPU ({s.Prefill.CapacityTokensPerSecondPerNode:0} per node), decode {s.Decode.TokensPerSecondPerGpu:0} output tokens/s per GPU at the load ({s.Decode.TokensPerSecondPerNode:0} per node)"),
            Invariant($"Little's law: {input.RequestsPerSecond:0.##} req/s over {c.Replicas} replica{Plural(c.Replicas)} (decode instances) = {c.RequestsPerSecond:0.##} req/s each × {(s.Tpot * input.OutputTokens).Value:0.##} s of decoding per request ⇒ {c.Concurrency} requests in flight per replica, {s.Decode.Utilization:P0} of the {c.Capacity:0.##} req/s one decode instance completes within the TPOT target"),
            Invariant($"memory: {e.Decode.Memory.Weights.GiB:0.#} GiB of {EnumName(d.Weights)} weights per GPU at TP {d.Parallelism.Tensor} on the decode pool ({e.Prefill.Memory.Weights.GiB:0.#} GiB on the prefill pool); the decode pool's {e.Decode.Memory.KvCachePool.GiB:0.#} GiB KV pool holds {Math.Floor(e.Decode.Memory.MaxConcurrentSequences):0} sequences of {input.InputTokens + input.OutputTokens} tokens per instance against the {c.Concurrency} needed"),
            Invariant($"cost: {split.TotalGpus} × {d.Hardware.Gpu.Id} at ${d.Hardware.Gpu.Price.UsdPerHour:0.##}/h = ${c.CostPerHourUsd:0.##}/h ({split.PrefillInstances * p.Parallelism.GpusPerReplica} prefill + {split.DecodeInstances * d.Parallelism.GpusPerReplica} decode), ${perMillion:0.###} per million output tokens at {input.RequestsPerSecond * input.OutputTokens:0} tokens/s"),
        };
        AddLayoutReasons(why, p, "prefill");
        AddLayoutReasons(why, d, "decode");
        if (e.Speculative is { } speculative)
        {
            why.Add(SpeculationLine(speculative));
        }

        return why;
    }

    /// <summary>What the decode pool's DP attention and EP do (the prefill pool's too), briefly.</summary>
    private static void AddLayoutReasons(List<string> why, LayoutEvaluation layout, string pool)
    {
        var p = layout.Parallelism;
        if (p.DataParallelAttention)
        {
            why.Add(Invariant($"{pool} instances: {DataParallelPhrase(layout)}"));
        }
    }

    private static List<string> SplitChecklist(Candidate c, DisaggregatedChoice split)
    {
        var e = split.Estimate;
        var decode = Checklist(c, e.Decode.Memory);
        return
        [
            decode[0],
            Invariant($"KV hand-over: each request moves {e.Serving.KvBytesPerRequest.Value / 1e6:0.#} MB from prefill to decode; at {e.Serving.KvTransferDemand.GBps:0.#} GB/s in all the {EnumText.Of(split.Link)} NICs of the prefill pool must reach the decode nodes (check with ib_write_bw between a prefill and a decode node)"),
            Invariant($"rate match: watch the prefill queue (expected ≈ {e.Serving.PrefillQueue.Milliseconds:0} ms) and the decode pool's running requests (≈ {e.Decode.Sequences:0} per instance of {e.Decode.Capacity}); add prefill instances if the queue grows, decode instances if TPOT does"),
            Invariant($"KV headroom: each decode GPU should report a KV pool of ≈ {e.Decode.Memory.KvCachePool.GiB:0.#} GiB, each prefill GPU ≈ {e.Prefill.Memory.KvCachePool.GiB:0.#} GiB"),
            .. decode.Skip(1),
        ];
    }

    private static List<string> Why(SearchState state, Candidate c, PerformanceEstimate e, MemoryEstimate memory, double perMillion, string slo, SpeculativeOutcome? speculative)
    {
        var input = state.Input;
        var layout = c.Layout;
        var p = layout.Parallelism;
        var h = layout.Hardware;
        var why = new List<string>();
        why.Add(slo);
        why.Add(Decision(state, c));
        if (p.DataParallelAttention)
        {
            why.Add(DataParallelPhrase(layout));
        }

        if (speculative is not null)
        {
            why.Add(SpeculationLine(speculative));
        }
        why.Add(Invariant($"Little's law: {input.RequestsPerSecond:0.##} req/s over {c.Replicas} replica{(c.Replicas == 1 ? "" : "s")} = {c.RequestsPerSecond:0.##} req/s each × {e.E2e.Value:0.##} s per request ⇒ {c.Concurrency} requests in flight per replica, {c.Utilization:P0} of the {c.Capacity:0.##} req/s one replica completes at its KV-limited {layout.MaxConcurrency}"));
        why.Add(Invariant($"memory: {memory.Weights.GiB:0.#} GiB of {EnumName(layout.Weights)} weights per GPU at TP {p.Tensor}{(p.Pipeline > 1 ? Invariant($" × PP {p.Pipeline}") : "")}; the {memory.KvCachePool.GiB:0.#} GiB KV pool holds {Math.Floor(memory.MaxConcurrentSequences):0} sequences of {input.InputTokens + input.OutputTokens} tokens against the {c.Concurrency} needed"));
        why.Add(Invariant($"cost: {c.TotalGpus} × {h.Gpu.Id} at ${h.Gpu.Price.UsdPerHour:0.##}/h = ${c.CostPerHourUsd:0.##}/h, ${perMillion:0.###} per million output tokens at {input.RequestsPerSecond * input.OutputTokens:0} tokens/s"));
        if (p.Tensor > 1)
        {
            why.Add(Invariant($"TP {p.Tensor} all-reduces take {e.CommunicationShareOfDecode:P0} of each {e.DecodeStep.Total.Milliseconds:0.##} ms decode step over {LinkPhrase(h, p.Tensor)}"));
        }

        AddSibling(state, why, c, p.Tensor * 2, p.Pipeline, p.Expert == p.Tensor && p.Expert > 1 ? p.Expert * 2 : p.Expert, "larger");
        if (p.Tensor > 1)
        {
            AddSibling(state, why, c, p.Tensor / 2, p.Pipeline, Math.Min(p.Expert, p.Tensor / 2), "smaller");
        }

        if (p.Pipeline > 1)
        {
            var crosses = p.GpusPerReplica > h.GpusPerNode;
            why.Add(Invariant($"PP {p.Pipeline}: {(crosses ? Invariant($"the replica needs {p.GpusPerReplica} GPUs, more than one {h.GpusPerNode}-GPU node, so stages cross {EnumName(h.InterNode)} while each TP group stays on {LinkPhrase(h, p.Tensor)}") : "stages add memory without tensor-parallel all-reduces")}; hops cost {(e.Pipeline?.HopTime.Microseconds ?? 0):0.#} µs each and PP never lowers TPOT"));
            AddSibling(state, why, c, p.Tensor, p.Pipeline / 2, p.Expert, "fewer stages");
        }

        if (layout.Forced)
        {
            why.Add(Invariant($"forced across nodes: no layout with TP ≤ {h.GpusPerNode} fits on {h.Gpu.Id}, so TP {p.Tensor} spans {(p.Tensor + h.GpusPerNode - 1) / h.GpusPerNode} nodes over {EnumName(h.InterNode)}"));
        }

        if (input.Model.Moe is { } moe && !p.DataParallelAttention)
        {
            why.Add(p.Expert > 1
                ? Invariant($"EP {p.Expert} inside TP {p.Tensor}: each GPU group holds {moe.Experts / p.Expert} of {moe.Experts} experts whole; every rank already holds every token, so the MoE layer ends in the tensor group's all-reduce, as without EP")
                : Invariant($"no EP: each of the {moe.Experts} experts is split across the TP {p.Tensor} ranks"));
            if (p.Tensor > 1)
            {
                AddSibling(state, why, c, p.Tensor, p.Pipeline, p.Expert > 1 ? 1 : p.Tensor, p.Expert > 1 ? "without EP" : "with EP");
            }
        }

        if (p.Tensor > input.Model.KvHeads && input.Model.Mla is null)
        {
            why.Add(Invariant($"TP {p.Tensor} exceeds the {input.Model.KvHeads} KV heads: each KV head is replicated on {p.Tensor / input.Model.KvHeads} GPUs, so KV per GPU stops shrinking beyond TP {input.Model.KvHeads}"));
        }

        if (PrecisionNote(h.Gpu, layout.Weights) is { } note)
        {
            why.Add(note);
        }

        return why;
    }

    /// <summary>DP attention and wide EP in figures: sequences and KV per rank, the expert group and its exchange.</summary>
    private static string DataParallelPhrase(LayoutEvaluation layout)
    {
        var p = layout.Parallelism;
        var h = layout.Hardware;
        var nodes = layout.Input.Topology.NodesFor(p.MoeGroup);
        var step = layout.StepModel.Cost(1, layout.Input.InputTokens, 0, 0, 1).Collectives;
        var exchange = layout.Input.MoeExchange is { } x ? EnumText.Of(x) : EnumText.Of(Moe.MoeCommunication.DefaultExchange(p, layout.Input.Memory.Engine));
        var eplb = p.RedundantExperts > 0 ? Invariant($", {p.RedundantExperts} redundant expert slots for EPLB") : "";
        return Invariant($"DP attention {p.AttentionData} × TP {p.Tensor}: each rank holds its own requests and their KV (no attention all-reduce across ranks{(p.Tensor > 1 ? Invariant($"; TP {p.Tensor} inside each rank") : "")}); the MoE layers run EP {p.Expert} over all {p.MoeGroup} GPUs{(nodes > 1 ? Invariant($" on {nodes} nodes over {EnumName(h.InterNode)}") : "")}{eplb}, tokens crossing by {exchange} ({step.AllToAllTime.Microseconds:0} µs per MoE layer for one decode token)");
    }

    private static string SpeculationLine(SpeculativeOutcome o)
    {
        var s = o.Estimate;
        return Invariant($"speculation ({EnumText.Of(o.Configuration.Method)}, {o.Configuration.DraftTokens} drafted token{Plural(o.Configuration.DraftTokens)} at acceptance {o.Configuration.AcceptanceRate:0.##}): {s.TokensPerStep:0.##} tokens per step; at {o.Batch} sequences the verify step takes {s.VerifyStep.Milliseconds:0.#} ms and drafting {(s.DraftStep * o.Configuration.DraftTokens).Milliseconds:0.##} ms against a {s.BaselineTpot.Milliseconds:0.#} ms plain step, so TPOT {(s.Pays ? "falls" : "rises")} {s.Speedup:0.##}× (it stops paying once the verify step exceeds {s.BreakEvenVerifyStep.Milliseconds:0.#} ms)");
    }

    /// <summary>What decided the plan: the best of each kind of deployment that meets the SLO, on the objective's measure.</summary>
    private static string Decision(SearchState state, Candidate c)
    {
        var objective = state.Input.Objective;
        string Measure(Candidate x) => objective switch
        {
            Objective.MinGpus => Invariant($"{x.TotalGpus} GPUs"),
            Objective.MinLatency => Invariant($"TPOT {x.Estimate.Tpot.Milliseconds:0.#} ms"),
            Objective.MaxThroughputPerGpu => Invariant($"{x.SaturatedPerGpu:0} output tokens/s per GPU"),
            _ => Invariant($"${x.CostPerHourUsd:0.##}/h on {x.TotalGpus} GPUs"),
        };

        var kinds = new (DeploymentKind Kind, string Name)[]
        {
            (DeploymentKind.Disaggregated, "disaggregated prefill/decode"),
            (DeploymentKind.DataParallelAttention, "aggregated DP attention + wide EP"),
            (DeploymentKind.TensorParallel, "aggregated tensor parallel"),
        };
        var own = kinds.First(k => k.Kind == c.Kind).Name;
        var others = new List<string>();
        foreach (var (kind, name) in kinds)
        {
            if (kind == c.Kind || (kind == DeploymentKind.DataParallelAttention && state.Input.Model.Moe is null))
            {
                continue;
            }

            var best = Rank(state.Found.Where(x => x.Kind == kind).ToList(), objective).FirstOrDefault();
            others.Add(best is null ? Invariant($"no {name} deployment meets the SLO within the budget") : Invariant($"the best {name} one takes {Measure(best)}"));
        }

        var speculation = c.Layout.Speculative is not null || c.Split?.Speculative is not null ? " with MTP speculation" : "";
        return Invariant($"decided by {EnumText.Of(objective)}: {own}{speculation} at {Measure(c)}; {string.Join("; ", others)}");
    }

    private static string Shape(Parallelism p) => p.DataParallelAttention
        ? Invariant($"DP {p.AttentionData} × TP {p.Tensor} + EP {p.Expert} ({p.GpusPerReplica} GPUs)")
        : Invariant($"TP {p.Tensor}{(p.Pipeline > 1 ? Invariant($" × PP {p.Pipeline}") : "")}{(p.Expert > 1 ? Invariant($" + EP {p.Expert}") : "")} ({p.GpusPerReplica} GPUs)");

    private static string Plural(int n) => n == 1 ? "" : "s";

    /// <summary>The SLO verdict, judged at the estimate and at the pessimistic edge of each figure's error band.</summary>
    private static (string Line, bool AcrossBand) Slo(ServiceLevel slo, Candidate c, EstimateBands bands)
    {
        var e = c.Estimate;
        var ttft = Invariant($"TTFT {c.Ttft.Milliseconds:0.#} ms (engine {e.Ttft.Milliseconds:0.#} ms + queueing {c.Queueing.Milliseconds:0.#} ms at {c.Utilization:P0} load)");
        var tpot = Invariant($"TPOT {e.Tpot.Milliseconds:0.#} ms");
        var tails = Invariant($"; p99 TTFT {c.TtftP99.Milliseconds:0.#} ms{(slo.TtftP99 is { } t99 ? Invariant($" ≤ {t99.Milliseconds:0.#} ms") : "")}, p99 TPOT {e.TpotP99.Milliseconds:0.#} ms{(slo.TpotP99 is { } p99 ? Invariant($" ≤ {p99.Milliseconds:0.#} ms") : "")}");
        var decided = slo.Binding(c.Ttft, c.TtftP99, e.Tpot, e.TpotP99) is { } binding
            ? Invariant($"; the {binding.Name} target decided this plan ({binding.Figure.Milliseconds:0.#} of {binding.Target.Milliseconds:0.#} ms)")
            : string.Empty;
        var line = Invariant($"meets the SLO: {ttft}{(slo.Ttft is { } t ? Invariant($" ≤ {t.Milliseconds:0.#} ms") : " (no target)")}; {tpot}{(slo.Tpot is { } p ? Invariant($" ≤ {p.Milliseconds:0.#} ms") : " (no target)")}{tails}{decided}");
        var edges = new List<string>();
        var across = true;
        if (slo.Ttft is { } ttftTarget)
        {
            across &= Edge(edges, "TTFT", c.Ttft, ttftTarget, bands.Ttft);
        }

        if (slo.TtftP99 is { } ttftP99Target)
        {
            across &= Edge(edges, "TTFT p99", c.TtftP99, ttftP99Target, bands.Ttft);
        }

        if (slo.Tpot is { } tpotTarget)
        {
            across &= Edge(edges, "TPOT", e.Tpot, tpotTarget, bands.Tpot);
        }

        if (slo.TpotP99 is { } tpotP99Target)
        {
            across &= Edge(edges, "TPOT p99", e.TpotP99, tpotP99Target, bands.Tpot);
        }

        return edges.Count == 0
            ? (line, true)
            : (line + (across ? "; " : " — but only at the optimistic side of the error band: ") + string.Join("; ", edges), across);
    }

    /// <summary>Whether the pessimistic edge of <paramref name="figure"/>'s band still meets <paramref name="target"/>, said in words.</summary>
    /// <remarks>A percentile's band is its family's: the measured rows of a family mix means, medians and tails.</remarks>
    private static bool Edge(List<string> edges, string name, Seconds figure, Seconds target, ErrorBand band)
    {
        var pessimistic = band.High(figure.Milliseconds);
        var meets = pessimistic <= target.Milliseconds;
        edges.Add(Invariant($"{name}'s pessimistic edge {pessimistic:0.#} ms {(meets ? "still meets" : "misses")} {target.Milliseconds:0.#} ms (p90 error {band.P90ErrorPct:0.#} %, {band.Basis})"));
        return meets;
    }

    /// <summary>What became of a neighbouring layout, with the figure that decided it.</summary>
    private static void AddSibling(SearchState state, List<string> why, Candidate c, int tp, int pp, int ep, string label)
    {
        var layout = c.Layout;
        var p = layout.Parallelism;
        var name = Invariant($"TP {tp}{(pp > 1 ? Invariant($" × PP {pp}") : "")}{(ep > 1 ? Invariant($" × EP {ep}") : "")}");
        if ((long)tp * pp > state.Input.MaxGpus)
        {
            why.Add(Invariant($"{name} ({label}) would need {tp * pp} GPUs per replica, more than the {state.Input.MaxGpus}-GPU budget"));
            return;
        }

        if (!state.Outcomes.TryGetValue(new LayoutKey(layout.HardwareIndex, layout.Weights, tp, pp, ep), out var outcome))
        {
            if (state.FirstRejection(layout.Hardware, layout.Weights, tp, pp, ep) is { } rejection)
            {
                why.Add(Invariant($"{name} ({label}): {rejection.Reasons[0]}"));
            }

            return;
        }

        var other = outcome.Layout!;
        var share = other.Full(Math.Min(c.Concurrency, other.MaxConcurrency));
        var comm = tp != p.Tensor && tp > 1
            ? Invariant($"its TP {tp} all-reduces would take {share.CommunicationShareOfDecode:P0} of each decode step over {LinkPhrase(layout.Hardware, tp)} (TPOT {share.Tpot.Milliseconds:0.#} ms vs {c.Estimate.Tpot.Milliseconds:0.#} ms here)")
            : Invariant($"TPOT {share.Tpot.Milliseconds:0.#} ms vs {c.Estimate.Tpot.Milliseconds:0.#} ms here");
        var verdict = outcome.Plan is { } plan
            ? Invariant($"it also meets the SLO, with {plan.TotalGpus} GPUs at ${plan.CostPerHourUsd:0.##}/h against {c.TotalGpus} at ${c.CostPerHourUsd:0.##}/h here")
            : outcome.Rejection!.Reasons[0];
        why.Add(Invariant($"{name} ({label}): {comm}; {verdict}"));
    }

    /// <summary>How a group of <paramref name="gpus"/> GPUs talks on this hardware.</summary>
    internal static string LinkPhrase(HardwareOption h, int gpus)
    {
        if (gpus > h.GpusPerNode)
        {
            return Invariant($"{EnumName(h.InterNode)} between nodes");
        }

        return h.IntraNode switch
        {
            IntraNodeLink.NvSwitch => "NVSwitch NVLink",
            IntraNodeLink.NvLinkBridge => gpus <= 2 ? "the NVLink bridge" : "PCIe (NVLink bridges join only pairs)",
            IntraNodeLink.Pcie => "same-socket PCIe",
            IntraNodeLink.PcieCrossSocket => "cross-socket PCIe",
            IntraNodeLink.PcieHostStaged => "PCIe staged through host memory (no P2P)",
            _ => "Infinity Fabric (XGMI)",
        };
    }

    /// <summary>The fabric between nodes and the network bandwidth each GPU gets from it.</summary>
    private static string FabricPhrase(Topology topology)
    {
        var fabric = CommunicationAssumptions.Default.Fabric(topology);
        var nics = fabric.NicsPerNode is { } n ? Invariant($"{n} × {fabric.NicGbps:0} Gb/s NICs per node") : Invariant($"one {fabric.NicGbps:0} Gb/s NIC per GPU");
        return Invariant($"{EnumName(topology.InterNode)} ({nics}, ≈ {Collectives.NetworkGBpsPerGpu(topology):0.#} GB/s per GPU achievable)");
    }

    private static List<string> Checklist(Candidate c, MemoryEstimate memory)
    {
        var layout = c.Layout;
        var h = layout.Hardware;
        var p = layout.Parallelism;
        var topology = layout.Input.Topology;
        var amd = h.IntraNode == IntraNodeLink.Xgmi;
        var list = new List<string> { Topo(h, p) };
        if (p.Tensor > 1)
        {
            var allReduce = Collectives.Estimate(CollectiveOperation.AllReduce, topology, p.Tensor, new Bytes(1L << 30));
            var launch = p.Tensor > h.GpusPerNode ? Invariant($"mpirun -np {p.Tensor} -N {h.GpusPerNode} all_reduce_perf -b 8 -e 8G -f 2 -g 1") : Invariant($"all_reduce_perf -b 8 -e 8G -f 2 -g {p.Tensor}");
            var over = p.Tensor > h.GpusPerNode ? Invariant($" over {FabricPhrase(topology)}") : "";
            list.Add(Invariant($"{(amd ? "rccl-tests" : "nccl-tests")}: `{launch}` should show busbw ≈ {allReduce.BusBandwidth.Value / 1e9:0} GB/s at 1 GiB ({allReduce.Algorithm}){over}; far less means the GPUs are not linked as assumed"));
        }

        if (p.Pipeline > 1 && p.GpusPerReplica > h.GpusPerNode)
        {
            var hop = Collectives.PipelineHop(topology, new Bytes(1L << 30), crossesNodes: true);
            list.Add(Invariant($"pipeline hops cross nodes: `mpirun -np 2 -N 1 sendrecv_perf -b 8 -e 1G -f 2 -g 1` between two nodes should show busbw ≈ {hop.BusBandwidth.Value / 1e9:0} GB/s over {FabricPhrase(topology)}"));
        }

        list.Add(Invariant($"KV headroom: the engine should report a KV pool of ≈ {memory.KvCachePool.GiB:0.#} GiB per GPU, ≈ {memory.KvCacheCapacityTokens:N0} tokens (vLLM: 'GPU KV cache size'), i.e. ≈ {Math.Floor(memory.MaxConcurrentSequences):0} concurrent {layout.Input.InputTokens + layout.Input.OutputTokens}-token requests per replica against the {c.Concurrency} this load keeps in flight ({memory.MaxConcurrentSequences / Math.Max(1, c.Concurrency):0.#}× headroom)"));
        if (c.Replicas > 1)
        {
            list.Add(Invariant($"run {c.Replicas} replicas behind a load balancer, ≈ {c.RequestsPerSecond:0.##} req/s each; watch queue time: at {c.Utilization:P0} load the model expects ≈ {c.Queueing.Milliseconds:0} ms"));
        }

        return list;
    }

    /// <summary>What <c>nvidia-smi topo -m</c> should print between the GPUs of one replica.</summary>
    private static string Topo(HardwareOption h, Parallelism p)
    {
        if (p.GpusPerReplica == 1)
        {
            return "single-GPU replica: no GPU-to-GPU link carries its traffic, so `nvidia-smi topo -m` does not matter";
        }

        var links = NvLinks(h.Gpu);
        return h.IntraNode switch
        {
            IntraNodeLink.NvSwitch => Invariant($"`nvidia-smi topo -m` should show NV{links} between every pair of the node's GPUs (NVSwitch); PIX/SYS between GPUs means NVLink is down"),
            IntraNodeLink.NvLinkBridge => Invariant($"`nvidia-smi topo -m` should show NV{links} between the two GPUs of each bridged pair{(p.Tensor > 2 ? " and PIX/PXB/NODE/SYS beyond it: TP groups larger than a pair run over PCIe" : "; put each TP pair on bridged GPUs")}"),
            IntraNodeLink.Pcie => "`nvidia-smi topo -m` should show PIX, PXB or NODE between the replica's GPUs (one CPU socket); SYS means a socket crossing the estimate did not assume",
            IntraNodeLink.PcieCrossSocket => "`nvidia-smi topo -m` will show SYS between GPUs on different sockets (as assumed); keep each TP group on one socket (PIX/NODE) where the layout allows",
            IntraNodeLink.PcieHostStaged => "with NCCL_DEBUG=INFO, NCCL should log 'via SHM' between the replica's GPUs (no peer-to-peer, as assumed); 'via P2P' means the GPUs can do better than this estimate",
            _ => "`rocm-smi --showtopo` should show XGMI between every pair of the node's GPUs",
        };
    }

    /// <summary>Bonded NVLinks per GPU: per-direction scale-up bandwidth over 25 GB/s per link (NVLink 3/4) or 50 GB/s (NVLink 5).</summary>
    private static int NvLinks(Catalog.GpuSpec gpu)
    {
        var perLink = gpu.Interconnect.ScaleUpGeneration >= 5 ? 50.0 : 25.0;
        return (int)Math.Max(1, Math.Round((gpu.Interconnect.ScaleUpGBpsPerDirection ?? perLink) / perLink));
    }

    private static List<ParetoPoint> Pareto(SearchState state)
    {
        var count = 0;
        foreach (var layout in state.Layouts)
        {
            count += layout.Count;
        }

        var points = new List<(LayoutEvaluation Layout, int Index, double PerGpu, double PerUser)>(count);
        foreach (var layout in state.Layouts)
        {
            var gpus = layout.Parallelism.GpusPerReplica;
            for (var i = 0; i < layout.Count; i++)
            {
                var e = layout.PointAt(i);
                points.Add((layout, i, e.OutputTokensPerSecond / gpus, e.OutputTokensPerSecondPerUser));
            }
        }

        points.Sort((x, y) => y.PerUser != x.PerUser ? y.PerUser.CompareTo(x.PerUser) : y.PerGpu.CompareTo(x.PerGpu));
        var front = new List<ParetoPoint>();
        var best = double.NegativeInfinity;
        foreach (var (layout, index, perGpu, perUser) in points)
        {
            if (perGpu > best)
            {
                best = perGpu;
                var e = layout.PointAt(index);
                front.Add(new ParetoPoint(layout.Hardware, layout.Parallelism, layout.Weights, layout.ConcurrencyAt(index), perGpu, perUser, e.Ttft, e.Tpot));
            }
        }

        return front;
    }

    private static List<Assumption> Assumptions(SearchState state)
    {
        var a = state.Assumptions;
        return
        [
            new("queueingModel", 1, "M/D/1", AssumptionBasis.Assumption, "TTFT adds the mean M/D/1 wait ρ/(2μ(1 − ρ)), μ = one replica's completed requests/s at its KV-limited concurrency, Poisson arrivals [A]"),
            new("loadBalance", 1, "fraction", AssumptionBasis.Assumption, "requests are spread evenly over the replicas [A]"),
            new("concurrencyFromLittlesLaw", 1, "model", AssumptionBasis.Measured, "requests in flight per replica B = λ_replica × E2E(B), solved on whole requests (Little 1961)"),
            .. a.Memory.Describe(),
            .. a.Performance.Describe(state.Input.Engine),
            .. a.Communication.Assumptions,
            DeploymentEstimator.BandWidening,
        ];
    }
}
