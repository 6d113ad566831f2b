using Sizing.Domain.Deployment;
using Sizing.Domain.Disaggregation;
using Sizing.Domain.Performance;
using Sizing.Domain.Speculative;
using Sizing.Domain.Units;

namespace Sizing.Domain.Recommendation;

/// <summary>Prefill/decode-disaggregated deployments built from the layouts the aggregated search already evaluated.</summary>
/// <remarks>
/// <para>A prefill pool is worth its prompt tokens per dollar; a decode pool its output tokens per dollar at the largest batch
/// whose TPOT meets the target (its steps carry no prompts, so every request sees that TPOT). The two are sized separately:
/// decode instances = ⌈λ / one instance's capacity at the target⌉; prefill instances = the fewest whose M/D/1 queue plus one
/// prefill plus the KV transfer meets the TTFT targets (DistServe's sizing, §4). The pairing that costs least is then checked
/// end to end with <see cref="DisaggregatedEstimator"/>.</para>
/// <para>Pruned first: only layouts whose one-request TPOT meets the target are decode candidates, ranked by the saturated
/// throughput per dollar the aggregated search already computed, and only the best few get the exact capacity (a bisection on
/// the batch); every layout is a prefill candidate at the cost of one prefill step. Both pools use one kind of server and one
/// weight format (the estimates endpoint takes a different GPU per pool). Where the model ships MTP modules, the
/// decode pools also try one drafted token at the documented acceptance rate and keep it where it pays.</para>
/// </remarks>
internal static class DisaggregatedSearch
{
    /// <summary>Decode layouts given an exact capacity.</summary>
    private const int DecodeCandidates = 4;

    /// <summary>Prefill layouts (of the same server kind and weights) paired with each.</summary>
    private const int PrefillCandidates = 3;

    /// <summary>Pairings checked end to end (the cheapest first).</summary>
    private const int Checked = 2;

    public static void Run(SearchState state)
    {
        var input = state.Input;
        if (state.Layouts.Count == 0 || state.OutOfTime() || input.RequestsPerSecond <= 0)
        {
            return;
        }

        var slo = input.Slo;
        var tpotTarget = Min(slo.Tpot, slo.TpotP99);
        var decodes = DecodeOptions(state, tpotTarget);
        if (decodes.Count == 0)
        {
            return;
        }

        // Prefill pools share the decode pools' server kind and weights, so only those layouts are costed as prefill instances.
        var prefills = PrefillOptions(state, [.. decodes.Select(d => (d.Layout.HardwareIndex, d.Layout.Weights)).Distinct()]);

        var pairings = new List<(double Cost, PrefillOption Prefill, int PrefillInstances, DecodeOption Decode, int DecodeInstances)>();
        foreach (var decode in decodes)
        {
            var needed = Math.Ceiling(input.RequestsPerSecond / decode.Capacity);
            if (needed * decode.Layout.Parallelism.GpusPerReplica > input.MaxGpus)
            {
                continue;
            }

            var decodeInstances = (int)needed;

            // Both pools on one kind of server and one checkpoint: the same weights and KV format move between them.
            foreach (var prefill in prefills.Where(o => o.Layout.HardwareIndex == decode.Layout.HardwareIndex && o.Layout.Weights == decode.Layout.Weights)
                .Take(PrefillCandidates))
            {
                var room = input.MaxGpus - (decodeInstances * decode.Layout.Parallelism.GpusPerReplica);
                if (PrefillInstances(input, prefill, room) is not { } prefillInstances)
                {
                    continue;
                }

                var cost = (prefillInstances * prefill.Layout.Parallelism.GpusPerReplica * prefill.Layout.Hardware.Gpu.Price.UsdPerHour)
                    + (decodeInstances * decode.Layout.Parallelism.GpusPerReplica * decode.Layout.Hardware.Gpu.Price.UsdPerHour);
                pairings.Add((cost, prefill, prefillInstances, decode, decodeInstances));
            }
        }

        foreach (var (_, prefill, prefillInstances, decode, decodeInstances) in pairings.OrderBy(p => p.Cost).Take(Checked))
        {
            if (state.OutOfTime())
            {
                return;
            }

            Confirm(state, prefill, prefillInstances, decode, decodeInstances);
        }
    }

    /// <summary>Runs the pairing end to end and keeps it when it fits and meets the SLO at the load.</summary>
    private static void Confirm(SearchState state, PrefillOption prefill, int prefillInstances, DecodeOption decode, int decodeInstances)
    {
        var input = state.Input;
        var p = prefill.Layout;
        var d = decode.Layout;
        var estimate = DisaggregatedEstimator.Estimate(new DisaggregatedInput(
            d.Input,
            new PoolConfiguration(p.Parallelism, prefillInstances, p.Input.Topology, p.Input.MoeExchange),
            new PoolConfiguration(d.Parallelism, decodeInstances, d.Input.Topology, d.Input.MoeExchange),
            prefill.Link, input.RequestsPerSecond, false, decode.Speculative), state.Assumptions);
        var serving = estimate.Serving;
        var meets = estimate.Fits && estimate.TotalGpus <= input.MaxGpus
            && input.Slo.MetBy(serving.Ttft, estimate.TtftPercentiles.P99, serving.Tpot, serving.Tpot);
        if (!meets)
        {
            return;
        }

        // The candidate's engine figures exclude the prefill queue, which it carries as its queueing (mean and p99).
        var perInstance = input.RequestsPerSecond / decodeInstances;
        var fixedPart = serving.Ttft - serving.PrefillQueue;
        var point = new PerformancePoint(fixedPart, serving.Tpot, serving.E2e, perInstance * input.OutputTokens, perInstance, fixedPart, serving.Tpot);
        var split = new DisaggregatedChoice(p, prefillInstances, d, decodeInstances, prefill.Link, decode.Speculative, decode.Capacity, input.OutputTokens, estimate);
        state.Found.Add(new Candidate(d, decodeInstances, (int)Math.Ceiling(estimate.Decode.Sequences), perInstance, decode.Capacity,
            serving.Decode.Utilization, serving.PrefillQueue, point, true, false, estimate.TtftPercentiles.P99 - fixedPart, split));
    }

    /// <summary>The fewest prefill instances (within <paramref name="gpus"/> GPUs) whose queue, prefill and transfer meet the TTFT targets.</summary>
    private static int? PrefillInstances(RecommendationInput input, PrefillOption prefill, int gpus)
    {
        var perInstance = prefill.Layout.Parallelism.GpusPerReplica;
        var service = input.InputTokens / prefill.Side.PromptTokensPerSecond;
        var fixedPart = prefill.Side.PrefillTime + prefill.Transfer;
        var lambda = input.RequestsPerSecond;
        var least = Math.Ceiling(lambda * service);
        if (least * perInstance > gpus)
        {
            return null;
        }

        for (var n = Math.Max(1, (int)least); (long)n * perInstance <= gpus; n++)
        {
            var rho = lambda * service / n;
            if (rho >= 1)
            {
                continue;
            }

            var mean = fixedPart + Seconds.From(Queueing.MD1WaitSeconds(lambda / n, 1 / service));
            var p99 = fixedPart + Seconds.From(Queueing.MD1WaitP99Seconds(lambda / n, 1 / service));
            if ((input.Slo.Ttft is not { } ttft || mean <= ttft) && (input.Slo.TtftP99 is not { } ttft99 || p99 <= ttft99))
            {
                return n;
            }
        }

        return null;
    }

    /// <summary>The best decode layouts: TPOT at one request within the target, most output per dollar at saturation, each
    /// with its exact capacity at the target (speculative where the model has MTP and it pays).</summary>
    private static List<DecodeOption> DecodeOptions(SearchState state, Seconds? target)
    {
        var input = state.Input;
        var ranked = new List<(double PerDollar, LayoutEvaluation Layout)>();
        foreach (var layout in state.Layouts)
        {
            if (layout.Speculative is not null || !layout.TryGet(1, out var one) || (target is { } t && one.Tpot > t)
                || !layout.TryGet(layout.MaxConcurrency, out var saturated))
            {
                continue;
            }

            var dollars = layout.Parallelism.GpusPerReplica * layout.Hardware.Gpu.Price.UsdPerHour;
            ranked.Add((saturated.OutputTokensPerSecond / Math.Max(1e-9, dollars), layout));
        }

        var options = new List<DecodeOption>();
        var mtp = input.Model.MtpModules > 0
            ? new SpeculativeConfiguration(SpeculativeMethod.Mtp, 1, SpeculativeDecoding.DeepSeekMtpAcceptanceRate)
            : null;
        foreach (var (_, layout) in ranked.OrderByDescending(r => r.PerDollar).Take(DecodeCandidates))
        {
            var best = Capacity(layout, layout.Decode(null), target, null);
            if (mtp is not null)
            {
                var drafted = Capacity(layout, layout.Decode(new SpeculativeModel(layout.Input, layout.StepModel, mtp, state.Assumptions)), target, mtp);
                if (drafted is { } d && (best is not { } b || d.Capacity > b.Capacity))
                {
                    best = drafted;
                }
            }

            if (best is { } option)
            {
                options.Add(option);
            }
        }

        return options;
    }

    /// <summary>One decode instance's requests per second at the largest batch within the TPOT target (without one, at its capacity).</summary>
    private static DecodeOption? Capacity(LayoutEvaluation layout, DecodeSide side, Seconds? target, SpeculativeConfiguration? speculative)
    {
        if (target is { } t)
        {
            return side.LargestBatchWithin(t) is { } at
                ? new DecodeOption(layout, side.RequestsPerSecond(at.Batch, at.Tpot), speculative)
                : null;
        }

        var max = layout.MaxConcurrency;
        return new DecodeOption(layout, side.RequestsPerSecond(max, side.Tpot(max)), speculative);
    }

    /// <summary>The evaluated layouts of the given server kinds and weights as prefill instances, most prompt tokens per dollar first.</summary>
    private static List<PrefillOption> PrefillOptions(SearchState state, List<(int Hardware, Precision Weights)> groups)
    {
        var options = new List<PrefillOption>();
        foreach (var layout in state.Layouts)
        {
            if (layout.Speculative is not null || !groups.Contains((layout.HardwareIndex, layout.Weights)))
            {
                continue;
            }

            var side = layout.Prefill;
            var link = LinkFor(layout.Hardware.InterNode);
            var transfer = KvTransfer(layout, link, state);
            if (state.Input.Slo.Ttft is { } ttft && side.PrefillTime + transfer > ttft)
            {
                continue;
            }

            var dollars = layout.Parallelism.GpusPerReplica * layout.Hardware.Gpu.Price.UsdPerHour;
            options.Add(new PrefillOption(layout, side, link, transfer, side.PromptTokensPerSecond / Math.Max(1e-9, dollars)));
        }

        return [.. options.OrderByDescending(o => o.PerDollar)];
    }

    /// <summary>The transfer a request waits for: its KV over the pool's fabric from the GPUs holding distinct shards.</summary>
    private static Seconds KvTransfer(LayoutEvaluation layout, KvTransferLink link, SearchState state)
    {
        var memory = layout.Input.Memory;
        var path = KvTransferPath.For(link, memory.Gpu, layout.Input.Topology.GpusPerNode, false, state.Assumptions.Communication);
        var bytes = KvTransferPath.BytesPerRequest(memory.Model, memory.KvPrecision, layout.Input.InputTokens);
        return path.Latency + (bytes / (path.PerGpu * KvTransferPath.DistinctKvShards(memory.Model, memory.Parallelism)));
    }

    /// <summary>Pools sit on different servers: the KV crosses the inter-node fabric (RDMA where there is one).</summary>
    internal static KvTransferLink LinkFor(InterNodeLink fabric) => fabric switch
    {
        InterNodeLink.InfiniBand or InterNodeLink.InfiniBandNdr or InterNodeLink.InfiniBandHdr => KvTransferLink.InfiniBand,
        InterNodeLink.Roce => KvTransferLink.Roce,
        _ => KvTransferLink.Ethernet,
    };

    private static Seconds? Min(Seconds? a, Seconds? b) => a is { } x && b is { } y ? (x < y ? x : y) : a ?? b;

    private sealed record PrefillOption(LayoutEvaluation Layout, PrefillSide Side, KvTransferLink Link, Seconds Transfer, double PerDollar);

    private sealed record DecodeOption(LayoutEvaluation Layout, double Capacity, SpeculativeConfiguration? Speculative);
}
