using Sizing.Domain.Architecture;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Memory;
using Sizing.Domain.Moe;
using Sizing.Domain.Performance;
using Sizing.Domain.Units;
using static Sizing.Domain.InvariantText;

namespace Sizing.Domain.Recommendation;

/// <summary>Searches GPU × precision × TP × PP × EP × replicas for the deployments that meet an SLO at a request rate.</summary>
/// <remarks>
/// <para>Per layout (GPU, precision, TP, PP, EP): the parallelism rules and a weights-only memory check reject what cannot
/// run; the memory model gives the KV-limited concurrency; one step model serves every concurrency and replica count.</para>
/// <para>Per replica count r: each replica takes λ/r; Little's law B = (λ/r)·E2E(B) gives the requests it holds; an M/D/1
/// wait with the replica's saturated rate as μ is added to TTFT. Fewer replicas mean more load per replica, so the SLO holds
/// from some r on: the search finds the smallest such r (the cheapest way to run that layout) and ranks layouts by the
/// objective. TP stays inside a node unless nothing inside a node fits (then it is marked forced); PP may cross nodes.</para>
/// <para>Every fitting layout is screened (one request in flight, a full KV pool); the survivors are loaded best bound first,
/// and those that could no longer rank are rejected as outranked without loading (<see cref="RankCutoff"/>).</para>
/// </remarks>
public static class RecommendationSearch
{
    /// <summary>Aggregated plans retried with MTP speculation.</summary>
    private const int SpeculativeRetries = 3;

    /// <summary>Tensor- and pipeline-parallel degrees tried: powers of two up to the budget, plus the node size.</summary>
    public static IReadOnlyList<int> Degrees(int maxGpus, int gpusPerNode)
    {
        var degrees = new List<int>();
        for (var d = 1; d <= maxGpus; d *= 2)
        {
            degrees.Add(d);
        }

        if (gpusPerNode <= maxGpus && !degrees.Contains(gpusPerNode))
        {
            degrees.Add(gpusPerNode);
            degrees.Sort();
        }

        return degrees;
    }

    /// <summary>Candidates a search enumerates before any pruning: layouts × the replica counts the budget allows.</summary>
    /// <param name="gpusPerNode">The node size of each server kind searched.</param>
    public static long CountCandidates(ModelArchitecture model, IEnumerable<int> gpusPerNode, int precisions, int maxGpus, Engine engine)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(gpusPerNode);
        long total = 0;
        foreach (var nodeSize in gpusPerNode)
        {
            foreach (var tp in Degrees(maxGpus, nodeSize))
            {
                var experts = ExpertDegrees(model, tp, engine).Count;
                for (var pp = 1; (long)tp * pp <= maxGpus; pp *= 2)
                {
                    total += (long)experts * (maxGpus / (tp * pp));
                }

                // DP attention × TP with the experts over the whole group (SearchDataParallelAttention).
                foreach (var group in model.Moe is null || tp > nodeSize ? [] : Degrees(maxGpus, nodeSize))
                {
                    total += group > tp && group % tp == 0 ? maxGpus / group : 0;
                }
            }
        }

        return total * precisions;
    }

    public static RecommendationResult Search(RecommendationInput input, EstimatorAssumptions? assumptions = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var state = new SearchState(input, assumptions ?? EstimatorAssumptions.Default);
        for (var h = 0; h < input.Hardware.Count && !state.Truncated; h++)
        {
            foreach (var precision in input.Precisions)
            {
                if (state.OutOfTime())
                {
                    break;
                }

                SearchLayouts(state, h, precision);
            }
        }

        LoadScreened(state);
        SpeculativeVariants(state);
        DisaggregatedSearch.Run(state);
        return PlanBuilder.Finish(state);
    }

    /// <summary>Layouts that already carry the load, again with one MTP-drafted token, where the model ships MTP modules.</summary>
    /// <remarks>Speculation pays while decode is bound by streaming weights (TensorRT-LLM: "most effective at low batch
    /// sizes"); a plan it helps needs fewer replicas or meets a tighter TPOT. Only the cheapest aggregated plans are retried,
    /// with the drafter's weights taken from the KV pool.</remarks>
    private static void SpeculativeVariants(SearchState state)
    {
        var input = state.Input;
        if (input.Model.MtpModules == 0)
        {
            return;
        }

        var mtp = new Speculative.SpeculativeConfiguration(Speculative.SpeculativeMethod.Mtp, 1, Speculative.SpeculativeDecoding.DeepSeekMtpAcceptanceRate);
        var tried = new HashSet<LayoutEvaluation>();
        foreach (var found in state.Found.Where(c => c.Split is null).OrderBy(c => c.CostPerHourUsd).ToList())
        {
            if (tried.Count == SpeculativeRetries || state.OutOfTime())
            {
                return;
            }

            if (!tried.Add(found.Layout) || Speculative.SpeculativeEstimator.Problems(input.Model, found.Layout.Parallelism, mtp).Count > 0)
            {
                continue;
            }

            var plain = found.Layout;
            var memoryInput = plain.Input.Memory with { DraftWeights = Speculative.SpeculativeEstimator.DraftWeightsPerGpu(plain.Input.Memory, mtp, state.Assumptions.Memory) };
            var memory = MemoryEstimator.Estimate(memoryInput, state.Assumptions.Memory);
            if (!memory.Fits)
            {
                continue;
            }

            var variant = new LayoutEvaluation(plain.HardwareIndex, plain.Hardware, plain.Forced, plain.Input with { Memory = memoryInput }, memory, state.Assumptions, mtp);
            state.Layouts.Add(variant);
            if (Load(state, variant, out var plan) is null)
            {
                state.Found.Add(plan!);
            }
        }
    }

    private static void SearchLayouts(SearchState state, int hardwareIndex, Precision weights)
    {
        var input = state.Input;
        var hardware = input.Hardware[hardwareIndex];
        var model = input.Model;
        var kv = KvCacheDefaults.For(input.Engine, weights);
        var unsupported = UnsupportedReason(input, hardware, weights, kv);
        var anyFitsInNode = false;
        var fullTp = FullNodeTensorDegree(model, input.MaxGpus, hardware.GpusPerNode);
        List<Parallelism>? spanning = null;
        foreach (var tp in Degrees(input.MaxGpus, hardware.GpusPerNode))
        {
            foreach (var ep in ExpertDegrees(model, tp, input.Engine))
            {
                var settled = false;
                for (var pp = 1; (long)tp * pp <= input.MaxGpus; pp *= 2)
                {
                    if (state.OutOfTime())
                    {
                        return; // checked per layout: one layout costs well under a millisecond, so the budget is met closely
                    }

                    state.Candidates += input.MaxGpus / (tp * pp);

                    // Dominated layouts are decided without an estimate. A replica that needs more than one node fills each
                    // node's tensor group before adding stages (TP 8 × PP 4, never TP 2 × PP 16): PP only ever adds memory,
                    // so a narrower TP spread over more nodes is slower at the same GPU count. And once a layout fits, more
                    // stages of the same TP only add GPUs and hops (PP never lowers TPOT), while two replicas of the smaller
                    // layout carry the same load on the same GPUs.
                    if (settled || (pp > 1 && tp < fullTp && (long)tp * pp > hardware.GpusPerNode))
                    {
                        continue;
                    }

                    var parallelism = new Parallelism(tp, pp, ep);

                    if (unsupported is { } reason)
                    {
                        state.Reject(new Rejection(hardware, parallelism, weights, kv, 1, reason.Kind, reason.Reasons, null, null, 0));
                        continue;
                    }

                    var rules = ParallelismRules.Check(model, parallelism);
                    if (rules.Count > 0)
                    {
                        state.Reject(new Rejection(hardware, parallelism, weights, kv, 1, RejectionKind.InvalidParallelism, rules, null, null, 0));
                        continue;
                    }

                    if (tp > hardware.GpusPerNode)
                    {
                        (spanning ??= []).Add(parallelism);
                        continue;
                    }

                    if (Evaluate(state, hardwareIndex, parallelism, weights, kv, forced: false))
                    {
                        anyFitsInNode = true;
                        settled = true;
                    }
                }
            }
        }

        if (model.Moe is not null)
        {
            SearchDataParallelAttention(state, hardwareIndex, weights, kv, unsupported);
        }

        // One reason per tensor degree, shared by its PP and EP variants.
        var spans = new Dictionary<int, string[]>();
        foreach (var parallelism in spanning ?? [])
        {
            if (state.OutOfTime())
            {
                return;
            }

            if (anyFitsInNode)
            {
                var tp = parallelism.Tensor;
                if (!spans.TryGetValue(tp, out var reason))
                {
                    var nodes = (tp + hardware.GpusPerNode - 1) / hardware.GpusPerNode;
                    spans[tp] = reason = [Invariant($"TP {tp} would span {nodes} nodes of {hardware.GpusPerNode} GPUs and put every all-reduce on {EnumName(hardware.InterNode)}; a layout with TP ≤ {hardware.GpusPerNode} fits, with PP across nodes instead")];
                }

                state.Reject(new Rejection(hardware, parallelism, weights, kv, 1, RejectionKind.SpansNodes, reason, null, null, 0));
            }
            else
            {
                Evaluate(state, hardwareIndex, parallelism, weights, kv, forced: true);
            }
        }
    }

    /// <summary>MoE layouts as SGLang, vLLM and TensorRT-LLM serve them at scale: attention TP (inside a node) × DP attention, with
    /// the experts spread over the whole MoE group (wide EP), within a node or across nodes.</summary>
    /// <remarks>
    /// The MoE group takes the sizes the budget allows (<see cref="Degrees"/>); attention TP divides it. Groups wider than a node
    /// get one redundant expert slot per GPU (or what makes the slots divide, at least that many) for EPLB, as the published
    /// multi-node deployments run (lmsys 2025-05-05: 288 slots on EP32 and EP72; TensorRT-LLM tech blog 4: 288 slots on EP32),
    /// and their tokens cross the group by DeepEP where the engine has it (SGLang --moe-a2a-backend deepep, vLLM
    /// --all2all-backend deepep_*) and the nodes have NVLink inside and RDMA between; TensorRT-LLM keeps its own exchange. The
    /// engine's own start-up rules decide which layouts run (<see cref="ParallelismRules.Check(Architecture.ModelArchitecture, Parallelism, Engine)"/>).
    /// </remarks>
    private static void SearchDataParallelAttention(SearchState state, int hardwareIndex, Precision weights, Precision kv, (RejectionKind Kind, string[] Reasons)? unsupported)
    {
        var input = state.Input;
        var hardware = input.Hardware[hardwareIndex];
        var model = input.Model;
        var experts = model.Moe!.Experts;
        var degrees = Degrees(input.MaxGpus, hardware.GpusPerNode);
        foreach (var tp in degrees)
        {
            if (tp > hardware.GpusPerNode)
            {
                break;
            }

            foreach (var group in degrees)
            {
                if (group <= tp || group % tp != 0)
                {
                    continue;
                }

                if (state.OutOfTime())
                {
                    return;
                }

                var acrossNodes = group > hardware.GpusPerNode;
                var redundant = (group - (experts % group)) % group;
                if (acrossNodes && redundant == 0)
                {
                    redundant = group;
                }

                var parallelism = new Parallelism(tp, 1, group, group / tp, group / tp, acrossNodes ? redundant : 0);
                state.Candidates += input.MaxGpus / group;
                if (unsupported is { } reason)
                {
                    state.Reject(new Rejection(hardware, parallelism, weights, kv, 1, reason.Kind, reason.Reasons, null, null, 0));
                    continue;
                }

                var rules = ParallelismRules.Check(model, parallelism, input.Engine);
                if (rules.Count > 0)
                {
                    state.Reject(new Rejection(hardware, parallelism, weights, kv, 1, RejectionKind.InvalidParallelism, rules, null, null, 0));
                    continue;
                }

                Evaluate(state, hardwareIndex, parallelism, weights, kv, forced: false, ExchangeFor(input.Engine, hardware, acrossNodes));
            }
        }
    }

    /// <summary>DeepEP where the engine runs it and the servers allow it (NVLink inside a node, RDMA between nodes); else the
    /// engine's default exchange.</summary>
    internal static MoeExchange? ExchangeFor(Engine engine, HardwareOption hardware, bool acrossNodes) =>
        engine is Engine.Sglang or Engine.Vllm && hardware.IntraNode == IntraNodeLink.NvSwitch && hardware.Gpu.Interconnect.ScaleUp == "nvlink"
            && (!acrossNodes || hardware.InterNode is not (InterNodeLink.Ethernet or InterNodeLink.Tcpx or InterNodeLink.Tcpxo or InterNodeLink.Efa))
            ? MoeExchange.DeepEp
            : null;

    /// <summary>Expert-parallel degrees for a tensor group: none for dense models; vLLM's all-or-nothing EP = TP; otherwise every power-of-two divisor of TP that divides the experts.</summary>
    private static List<int> ExpertDegrees(ModelArchitecture model, int tp, Engine engine)
    {
        if (model.Moe is not { } moe || tp == 1)
        {
            return [1];
        }

        if (engine == Engine.Vllm)
        {
            return moe.Experts % tp == 0 ? [1, tp] : [1];
        }

        var degrees = new List<int>();
        for (var ep = 1; ep <= tp; ep *= 2)
        {
            if (tp % ep == 0 && moe.Experts % ep == 0)
            {
                degrees.Add(ep);
            }
        }

        return degrees;
    }

    /// <summary>Evaluates one layout at the replica counts it may need; returns whether its memory fits.</summary>
    private static bool Evaluate(SearchState state, int hardwareIndex, Parallelism parallelism, Precision weights, Precision kv, bool forced, MoeExchange? exchange = null)
    {
        var input = state.Input;
        var hardware = input.Hardware[hardwareIndex];
        var sequence = input.InputTokens + input.OutputTokens;
        var memoryInput = new MemoryInput(input.Model, hardware.Gpu, parallelism, weights, kv, input.Engine, sequence, sequence, null, input.GpuMemoryUtilization);

        // Prune before any estimate: weights alone beyond what the engine may use cannot fit whatever the KV cache does.
        var weightBytes = WeightCalculator.PerGpu(input.Model, parallelism, weights, input.Engine, state.Assumptions.Memory);
        var usable = UsableMemory(hardware, input.Engine, input.GpuMemoryUtilization, state.Assumptions.Memory);
        if (weightBytes > usable)
        {
            state.Reject(new Rejection(hardware, parallelism, weights, kv, 1, RejectionKind.DoesNotFit,
                [Invariant($"does not fit: needs {weightBytes.GiB:0.#} GiB of weights per GPU of {usable.GiB:0.#} GiB usable on {hardware.Gpu.Id} at TP {parallelism.Tensor} × PP {parallelism.Pipeline}")],
                null, null, weightBytes / usable));
            return false;
        }

        var memory = MemoryEstimator.Estimate(memoryInput, state.Assumptions.Memory);
        if (!memory.Fits)
        {
            state.Reject(new Rejection(hardware, parallelism, weights, kv, 1, RejectionKind.DoesNotFit,
                [.. memory.Reasons.Select(r => "does not fit: " + r)], null, null, memory.Total / (memory.Capacity * memory.GpuMemoryUtilization)));
            return false;
        }

        var topology = new Topology(hardware.Gpu, hardware.GpusPerNode, hardware.IntraNode, hardware.InterNode, hardware.NicsPerNode, hardware.NicGbps);
        var deployment = new DeploymentInput(memoryInput, topology, input.InputTokens, input.OutputTokens, Batching.Continuous, MoeExchange: exchange);
        var layout = new LayoutEvaluation(hardwareIndex, hardware, forced, deployment, memory, state.Assumptions);
        state.Layouts.Add(layout);
        if (Screen(state, layout, out var screened) is { } verdict)
        {
            Record(state, layout, null, verdict);
        }
        else
        {
            state.Screened.Add(screened!);
        }

        return true;
    }

    /// <summary>Loads the screened layouts best bound first, and records what became of each in the order they were found.</summary>
    private static void LoadScreened(SearchState state)
    {
        var input = state.Input;
        var cutoff = new RankCutoff(input.Objective, input.Limit, input.Model.MtpModules > 0 ? SpeculativeRetries : 0);
        var order = new (double Bound, int Index)[state.Screened.Count];
        for (var i = 0; i < order.Length; i++)
        {
            var s = state.Screened[i];
            order[i] = (cutoff.Bound(s.Layout, s.MinReplicas) ?? 0, i);
        }

        Array.Sort(order);
        var outcomes = new (Candidate? Plan, Verdict? Verdict)[order.Length];
        foreach (var (_, index) in order)
        {
            if (state.OutOfTime())
            {
                break;
            }

            var s = state.Screened[index];
            if (cutoff.Outranks(s.Layout, s.MinReplicas) is { } outranked)
            {
                outcomes[index] = (null, new Verdict(RejectionKind.Outranked, s.MinReplicas,
                    [Invariant($"outranked: at the fewest replicas its capacity needs for the load, {outranked}; whether it meets the SLO was not checked")], null, null, 0));
                continue;
            }

            var verdict = LoadReplicas(state, s, cutoff, out var plan);
            outcomes[index] = (plan, verdict);
            if (plan is not null)
            {
                cutoff.Admit(plan);
            }
        }

        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i] is { Plan: not null } or { Verdict: not null })
            {
                Record(state, state.Screened[i].Layout, outcomes[i].Plan, outcomes[i].Verdict);
            }
        }
    }

    /// <summary>Keeps a layout's plan, or its rejection, as its outcome.</summary>
    private static void Record(SearchState state, LayoutEvaluation layout, Candidate? plan, Verdict? verdict)
    {
        var p = layout.Parallelism;
        Rejection? rejection = null;
        if (verdict is { } v)
        {
            rejection = new Rejection(layout.Hardware, p, layout.Weights, layout.KvCache, v.Replicas, v.Kind, v.Reasons, v.Ttft, v.Tpot, v.Ratio);
            state.Reject(rejection);
        }
        else
        {
            state.Found.Add(plan!);
        }

        state.Outcomes[new LayoutKey(layout.HardwareIndex, layout.Weights, p.Tensor, p.Pipeline, p.Expert, p.AttentionData)] = new LayoutOutcome(layout, plan, rejection);
    }

    /// <summary>Finds the fewest replicas of a fitting layout that carry the load within the SLO; a verdict when none do.</summary>
    private static Verdict? Load(SearchState state, LayoutEvaluation layout, out Candidate? plan)
    {
        plan = null;
        return Screen(state, layout, out var screened) ?? LoadReplicas(state, screened!, null, out plan);
    }

    /// <summary>What one request in flight and a full KV pool decide before any replica count is loaded: the one-request SLO
    /// floor, the capacity, and whether the budget allows the replicas that capacity needs.</summary>
    private static Verdict? Screen(SearchState state, LayoutEvaluation layout, out ScreenedLayout? screened)
    {
        screened = null;
        var input = state.Input;
        var slo = input.Slo;
        var gpusPerReplica = layout.Parallelism.GpusPerReplica;
        var one = layout.At(1);
        if (slo.TpotBinding(one.Tpot, one.TpotP99) is { } tpot && tpot.Figure > tpot.Target)
        {
            return new Verdict(RejectionKind.MissesTpot, 1, [Invariant($"misses {tpot.Name}: {tpot.Figure.Milliseconds:0.#} ms > {tpot.Target.Milliseconds:0.#} ms even with one request in flight{OptimisticEdge(tpot.Figure, tpot.Target, Bands(state, layout).Tpot)}")],
                one.Ttft, one.Tpot, tpot.Figure / tpot.Target);
        }

        if (slo.TtftBinding(one.Ttft, one.TtftP99) is { } ttft && ttft.Figure > ttft.Target)
        {
            return new Verdict(RejectionKind.MissesTtft, 1, [Invariant($"misses {ttft.Name}: prefilling {input.InputTokens} tokens takes {ttft.Figure.Milliseconds:0.#} ms > {ttft.Target.Milliseconds:0.#} ms even with one request in flight{OptimisticEdge(ttft.Figure, ttft.Target, Bands(state, layout).Ttft)}")],
                one.Ttft, one.Tpot, ttft.Figure / ttft.Target);
        }

        var capacity = layout.At(layout.MaxConcurrency).RequestsPerSecond;
        var maxReplicas = input.MaxGpus / gpusPerReplica;
        var needed = capacity > 0 ? Math.Floor(input.RequestsPerSecond / capacity) + 1 : double.PositiveInfinity;
        if (needed > maxReplicas)
        {
            return new Verdict(RejectionKind.MissesThroughput, maxReplicas,
                [Invariant($"misses throughput: one replica completes at most {capacity:0.##} req/s (at its KV-limited {layout.MaxConcurrency} requests in flight), so {input.RequestsPerSecond:0.##} req/s needs {needed:0} replicas of {gpusPerReplica} GPUs; the {input.MaxGpus}-GPU budget allows {maxReplicas}")],
                null, null, needed / Math.Max(1, maxReplicas));
        }

        screened = new ScreenedLayout(layout, capacity, (int)needed, maxReplicas);
        return null;
    }

    /// <summary>The fewest replicas of a screened layout that meet the SLO; a verdict when even the most the budget allows miss it,
    /// or when the replica counts that remain could not rank (<paramref name="cutoff"/>).</summary>
    /// <remarks>Latency falls as replicas rise (each carries less), so the SLO holds from some replica count on, and a layout that
    /// misses at the most replicas the budget allows misses everywhere. The answer is usually at or just above the fewest the
    /// load needs: the search checks those, then the most (first, for a layout already behind the plans asked for, which most
    /// often misses everywhere), then gallops up from the fewest (+1, +2, +4, …) and bisects the last step. Each count costs
    /// more than the one below it, so it stops once the next could not rank.</remarks>
    private static Verdict? LoadReplicas(SearchState state, ScreenedLayout screened, RankCutoff? cutoff, out Candidate? plan)
    {
        plan = null;
        var (layout, capacity, minReplicas, maxReplicas) = screened;
        var lo = minReplicas;

        // A layout already behind the plans asked for is loaded only for the best plan of its kind.
        Candidate? last = null;
        if (cutoff?.BehindLimit(layout, lo) == true && lo < maxReplicas)
        {
            last = AtReplicas(state, layout, maxReplicas, capacity);
            if (!last.Meets)
            {
                return MissAt(state, last, atBudget: true);
            }
        }

        var missed = AtReplicas(state, layout, lo, capacity);
        if (missed.Meets)
        {
            plan = missed;
            return null;
        }

        if (cutoff?.Outranks(layout, lo + 1) is { } outranked)
        {
            return Outranked(state, missed, outranked);
        }

        last ??= lo == maxReplicas ? missed : AtReplicas(state, layout, maxReplicas, capacity);
        if (!last.Meets)
        {
            return MissAt(state, last, atBudget: true);
        }

        var step = 1;
        var hi = maxReplicas;
        plan = last;
        while (lo + step < hi)
        {
            if (cutoff?.Outranks(layout, lo + 1) is { } beyond)
            {
                plan = null;
                return Outranked(state, missed, beyond);
            }

            var point = AtReplicas(state, layout, lo + step, capacity);
            if (point.Meets)
            {
                (hi, plan) = (lo + step, point);
                break;
            }

            (lo, missed) = (lo + step, point);
            step *= 2;
        }

        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            var point = AtReplicas(state, layout, mid, capacity);
            if (point.Meets)
            {
                hi = mid;
                plan = point;
            }
            else
            {
                lo = mid;
            }
        }

        return null;
    }

    /// <summary>A layout that misses the SLO at <paramref name="missed"/>'s replica count, where any more replicas could not rank.</summary>
    private static Verdict Outranked(SearchState state, Candidate missed, string outranked)
    {
        var miss = MissAt(state, missed, atBudget: false);
        return miss with { Kind = RejectionKind.Outranked, Reasons = [Invariant($"outranked: {string.Join("; ", miss.Reasons)}; more replicas only cost more, and {outranked}")] };
    }

    private static Candidate AtReplicas(SearchState state, LayoutEvaluation layout, int replicas, double capacity)
    {
        var input = state.Input;
        var perReplica = input.RequestsPerSecond / replicas;
        if (layout.SustainingConcurrency(perReplica) is not { } concurrency)
        {
            return new Candidate(layout, replicas, layout.MaxConcurrency, perReplica, capacity, 1, Seconds.Zero, layout.At(layout.MaxConcurrency), false, true);
        }

        var estimate = layout.At(concurrency);
        var wait = Seconds.From(Queueing.MD1WaitSeconds(perReplica, capacity));
        var waitP99 = Seconds.From(Queueing.MD1WaitP99Seconds(perReplica, capacity));
        var meets = input.Slo.MetBy(estimate.Ttft + wait, estimate.TtftP99 + waitP99, estimate.Tpot, estimate.TpotP99);
        return new Candidate(layout, replicas, concurrency, perReplica, capacity, Queueing.Utilization(perReplica, capacity), wait, estimate, meets, false, waitP99);
    }

    /// <param name="atBudget">Whether <paramref name="point"/> is at the most replicas the budget allows.</param>
    private static Verdict MissAt(SearchState state, Candidate point, bool atBudget)
    {
        var slo = state.Input.Slo;
        var where = Invariant($"at {point.Concurrency} requests in flight per replica with {point.Replicas} replica{(point.Replicas == 1 ? "" : "s")}{(atBudget ? Invariant($", the most the {state.Input.MaxGpus}-GPU budget allows") : "")}");
        if (point.Unsustainable)
        {
            return new Verdict(RejectionKind.MissesThroughput, point.Replicas,
                [Invariant($"misses throughput: {point.RequestsPerSecond:0.##} req/s per replica needs more than the {point.Concurrency} requests in flight its KV cache holds")], null, null, 1);
        }

        var ttft = point.Ttft;
        var tpot = point.Estimate.Tpot;
        var reasons = new List<string>(2);
        double ratio = 0;
        var kind = RejectionKind.MissesTtft;
        if (slo.Tpot is { } p && tpot > p)
        {
            reasons.Add(Invariant($"misses TPOT: {tpot.Milliseconds:0.#} ms > {p.Milliseconds:0.#} ms {where}{OptimisticEdge(tpot, p, Bands(state, point.Layout).Tpot)}"));
            ratio = tpot / p;
            kind = RejectionKind.MissesTpot;
        }

        if (slo.TpotP99 is { } p99 && point.Estimate.TpotP99 > p99)
        {
            reasons.Add(Invariant($"misses TPOT p99: {point.Estimate.TpotP99.Milliseconds:0.#} ms > {p99.Milliseconds:0.#} ms {where}{OptimisticEdge(point.Estimate.TpotP99, p99, Bands(state, point.Layout).Tpot)}"));
            ratio = Math.Max(ratio, point.Estimate.TpotP99 / p99);
            kind = RejectionKind.MissesTpot;
        }

        if (slo.TtftP99 is { } t99 && point.TtftP99 > t99)
        {
            reasons.Add(Invariant($"misses TTFT p99: {point.TtftP99.Milliseconds:0.#} ms > {t99.Milliseconds:0.#} ms {where}{OptimisticEdge(point.TtftP99, t99, Bands(state, point.Layout).Ttft)}"));
            ratio = Math.Max(ratio, point.TtftP99 / t99);
        }

        if (slo.Ttft is { } t && ttft > t)
        {
            reasons.Add(Invariant($"misses TTFT: {ttft.Milliseconds:0.#} ms (of which {point.Queueing.Milliseconds:0.#} ms queueing at {point.Utilization:P0} load) > {t.Milliseconds:0.#} ms {where}{OptimisticEdge(ttft, t, Bands(state, point.Layout).Ttft)}"));
            ratio = Math.Max(ratio, ttft / t);
        }

        return new Verdict(kind, point.Replicas, reasons, ttft, tpot, ratio);
    }

    private static EstimateBands Bands(SearchState state, LayoutEvaluation layout) => EstimateBands.For(state.Input.Engine, layout.Hardware.Gpu);

    /// <summary>Says so when a missed target lies inside the figure's error band: the plan would meet it at the band's optimistic edge.</summary>
    private static string OptimisticEdge(Seconds figure, Seconds target, ErrorBand band)
    {
        var optimistic = band.Low(figure.Milliseconds);
        return optimistic <= target.Milliseconds
            ? Invariant($" (it would meet it at the optimistic edge of its error band, {optimistic:0.#} ms; p90 error {band.P90ErrorPct:0.#} %)")
            : string.Empty;
    }

    /// <summary>Memory the engine may fill with weights: total × utilisation for vLLM and SGLang, the whole device otherwise.</summary>
    private static Bytes UsableMemory(HardwareOption hardware, Engine engine, double? utilization, MemoryAssumptions a)
    {
        var capacity = hardware.Gpu.Memory;
        return engine switch
        {
            Engine.Sglang => capacity * (utilization ?? a.SglangDefaultMemFractionStatic),
            Engine.Vllm or Engine.Generic => capacity * (utilization ?? MemoryEstimator.DefaultUtilization),
            _ => capacity,
        };
    }

    /// <summary>The widest tensor degree within one node that the model's heads allow: the TP a multi-node replica uses.</summary>
    private static int FullNodeTensorDegree(ModelArchitecture model, int maxGpus, int gpusPerNode)
    {
        var best = 1;
        foreach (var tp in Degrees(maxGpus, gpusPerNode))
        {
            if (tp <= gpusPerNode && ParallelismRules.Check(model, new Parallelism(tp, 1, 1)).Count == 0)
            {
                best = tp;
            }
        }

        return best;
    }

    /// <summary>Scale-up links a GPU does not have, and formats the engine cannot run on it (<see cref="PrecisionSupport"/>).</summary>
    private static (RejectionKind Kind, string[] Reasons)? UnsupportedReason(RecommendationInput input, HardwareOption hardware, Precision weights, Precision kv)
    {
        var gpu = hardware.Gpu;
        var scaleUp = gpu.Interconnect.ScaleUp;
        var linkMissing = hardware.IntraNode switch
        {
            IntraNodeLink.NvSwitch or IntraNodeLink.NvLinkBridge => scaleUp != "nvlink",
            IntraNodeLink.Xgmi => scaleUp != "xgmi",
            _ => false,
        };
        if (linkMissing)
        {
            return (RejectionKind.UnsupportedLink, [Invariant($"{gpu.Id} has {(scaleUp == "none" ? "no scale-up link" : scaleUp)}, so its nodes cannot be {EnumName(hardware.IntraNode)}")]);
        }

        var format = CheckpointChoice.For(input.Model, input.Checkpoints, gpu, input.Engine, weights).Format;
        var problems = PrecisionSupport.Problems(input.Model, gpu, input.Engine, weights, format, kv);
        return problems.Count > 0
            ? (RejectionKind.UnsupportedPrecision, [Invariant($"{EnumName(input.Engine)} cannot run {EnumText.Of(format)} weights with a {EnumName(kv)} KV cache on {gpu.Id}: {string.Join("; ", problems)}")])
            : null;
    }

    /// <summary>A note when the GPU runs a format weight-only (dequantised into 16-bit GEMMs) rather than on its tensor cores.</summary>
    internal static string? PrecisionNote(Catalog.GpuSpec gpu, Precision weights) => weights switch
    {
        Precision.Fp8 when gpu.DenseTflops.Fp8 is null => Invariant($"{gpu.Id} has no FP8 tensor cores: fp8 runs weight-only (W8A16 Marlin), halving weight bytes but computing in 16-bit"),
        Precision.Int8 when gpu.DenseTflops.Int8 is null => Invariant($"{gpu.Id} has no INT8 tensor cores: int8 runs weight-only"),
        Precision.Int4 => "int4 runs weight-only (AWQ/GPTQ Marlin kernels): about a quarter of the bf16 weight bytes with 16-bit compute; check accuracy on your task",
        Precision.Fp4 when gpu.DenseTflops.Fp4 is null => Invariant($"{gpu.Id} has no FP4 tensor cores: fp4 runs weight-only (vLLM's Marlin NVFP4/MXFP4 kernels) with 16-bit compute"),
        _ => null,
    };

    internal static string EnumName(Precision value) => value.ToString().ToLowerInvariant();

    internal static string EnumName(InterNodeLink value) => EnumText.Of(value);

    internal static string EnumName(IntraNodeLink value) => EnumText.Of(value);

    internal static string EnumName(Engine value) => value.ToString().ToLowerInvariant();

}

