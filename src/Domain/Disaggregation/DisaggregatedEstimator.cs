using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Moe;
using Sizing.Domain.Performance;
using Sizing.Domain.Speculative;
using Sizing.Domain.Units;

namespace Sizing.Domain.Disaggregation;

/// <summary>One pool of a disaggregated deployment as configured: its GPUs, one instance's layout, and how many instances.</summary>
/// <param name="Topology">The pool's servers (GPU, node size, links).</param>
/// <param name="MoeExchange">The MoE exchange its engines run (DeepEP, all-gather/reduce-scatter); null = the engine's default.</param>
public sealed record PoolConfiguration(Parallelism Parallelism, int Instances, Topology Topology, MoeExchange? MoeExchange = null)
{
    public GpuSpec Gpu => Topology.Gpu;

    public PoolShape Shape => new(Gpu, Parallelism, Instances, Topology.GpusPerNode);
}

/// <summary>A prefill/decode-disaggregated deployment under an offered load.</summary>
/// <param name="Deployment">The model, formats, engine, scheduler limits and request lengths; its GPU, layout and topology are
/// replaced by each pool's.</param>
/// <param name="Link">The link the KV crosses from a prefill instance to a decode instance.</param>
/// <param name="RequestsPerSecond">Offered load, spread evenly over each pool's instances.</param>
/// <param name="LayerwiseTransfer">KV leaves layer by layer during the prefill (Splitwise §IV-C); false = after it.</param>
/// <param name="Speculative">Speculative decoding in the decode pool; null = none.</param>
public sealed record DisaggregatedInput(
    DeploymentInput Deployment,
    PoolConfiguration Prefill,
    PoolConfiguration Decode,
    KvTransferLink Link,
    double RequestsPerSecond,
    bool LayerwiseTransfer = false,
    SpeculativeConfiguration? Speculative = null);

/// <summary>What one instance of a pool holds and does.</summary>
/// <param name="Memory">Per-GPU memory of one instance at <paramref name="Sequences"/>.</param>
/// <param name="Step">The pool's characteristic step on one stage: a full-budget prefill step, or a decode step of the running batch.</param>
/// <param name="Sequences">Prefill: prompts one busy step carries; decode: sequences running at the load.</param>
/// <param name="Capacity">The most sequences one instance runs at once (its KV pool or max_num_seqs).</param>
public sealed record PoolFigures(PoolConfiguration Pool, DeploymentInput Input, MemoryEstimate Memory, StepCost Step, double Sequences, int Capacity);

/// <summary>A disaggregated deployment's figures: both pools, the KV hand-over, and the request's latency.</summary>
/// <param name="Fits">Both pools fit their GPUs, their layouts run, and the load fits their capacity and the KV links.</param>
/// <param name="Serving">TTFT, TPOT, rate match, KV transfer and per-pool throughput (<see cref="DisaggregatedServing"/>).</param>
/// <param name="PrefillTime">One request's prefill on a prefill instance, request overhead included.</param>
/// <param name="PromptTokensPerSecondPerInstance">Prompt tokens one busy prefill instance processes per second.</param>
/// <param name="BaselineTpot">The decode pool's TPOT without speculation (equal to <c>Serving.Tpot</c> without it).</param>
/// <param name="TtftPercentiles">TTFT at p50/p90/p99: the fixed part plus the M/D/1 prefill queue's quantiles.</param>
/// <param name="Reasons">Why it does not fit or cannot carry the load.</param>
/// <param name="DecodeInstance">One decode instance as a replica: its memory, steps and communication, with the request's
/// disaggregated latency and its share of the load.</param>
/// <param name="Transfer">The KV path: link, achievable rate per GPU, fixed cost, layer-wise overlap.</param>
public sealed record DisaggregatedEstimate(
    bool Fits,
    DisaggregationEstimate Serving,
    PoolFigures Prefill,
    PoolFigures Decode,
    Seconds PrefillTime,
    double PromptTokensPerSecondPerInstance,
    Seconds BaselineTpot,
    SpeculativeOutcome? Speculative,
    LatencyPercentiles TtftPercentiles,
    IReadOnlyList<string> Reasons,
    DeploymentEstimate DecodeInstance,
    KvTransferPath Transfer)
{
    public int TotalGpus => Serving.Prefill.Gpus + Serving.Decode.Gpus;

    /// <summary>Output tokens per second the deployment produces at the offered load.</summary>
    public double OutputTokensPerSecond => Serving.Decode.TokensPerSecond;
}

/// <summary>Prefill and decode pools on the step model, joined by <see cref="DisaggregatedServing"/>.</summary>
/// <remarks>
/// <para>Prefill instance: a busy instance runs full token-budget steps with no decodes beside them (its throughput is the budget
/// over that step); one request's prefill is its chunks with every DP-attention rank carrying a prompt, plus the request
/// overhead. The queue in front of it is DisaggregatedServing's M/D/1.</para>
/// <para>Decode instance: pure decode steps, no prefill chunks (DistServe's point); the running batch B solves Little's law
/// B = λ_instance × out × TPOT(B) up to the instance's capacity (its KV pool at prompt + half the output per sequence, or
/// max_num_seqs × DP ranks). With speculation, TPOT(B) is the speculative step over its tokens per step.</para>
/// </remarks>
public static class DisaggregatedEstimator
{
    public static DisaggregatedEstimate Estimate(DisaggregatedInput input, EstimatorAssumptions? assumptions = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var a = assumptions ?? EstimatorAssumptions.Default;
        var d = input.Deployment;
        var reasons = new List<string>();

        var (prefill, prefillModel, prefillLimits) = Pool(d, input.Prefill, null, a);
        var decodeDeployment = input.Speculative is { } drafting
            ? d with { Memory = d.Memory with { DraftWeights = SpeculativeEstimator.DraftWeightsPerGpu(d.Memory with { Parallelism = input.Decode.Parallelism }, drafting, a.Memory) } }
            : d;
        var (decodeSeed, decodeModel, decodeLimits) = Pool(decodeDeployment, input.Decode, null, a);
        var speculative = input.Speculative is { } config ? new SpeculativeModel(decodeSeed.Input, decodeModel, config, a) : null;
        var decode = new DecodeSide(d, decodeModel, decodeLimits, speculative);
        var prefillSide = new PrefillSide(d, prefillModel, prefillLimits, input.Prefill.Parallelism);

        var lambda = input.RequestsPerSecond;
        var perInstance = lambda / Math.Max(1, input.Decode.Instances);
        var running = decode.RunningAt(perInstance);
        var decodeMemoryInput = decodeSeed.Input.Memory with { Concurrency = (int)Math.Ceiling(running) };
        var decodeMemory = MemoryEstimator.Estimate(decodeMemoryInput, a.Memory);
        var decodeFigures = decodeSeed with
        {
            Input = decodeSeed.Input with { Memory = decodeMemoryInput, Arrival = Arrival.Rate, RequestsPerSecond = perInstance },
            Memory = decodeMemory,
            Step = decodeModel.Cost(running, decode.Context, 0, 0, running),
            Sequences = running,
        };
        var prefillFigures = prefill with { Step = prefillSide.BusyStep, Sequences = prefillSide.BusyStepTokens / d.InputTokens };

        AddPoolReasons("prefill", prefill.Memory, reasons);
        AddPoolReasons("decode", decodeMemory, reasons);
        if (input.Speculative is { } configuration)
        {
            reasons.AddRange(SpeculativeEstimator.Problems(d.Memory.Model, input.Decode.Parallelism, configuration));
        }

        var transfer = KvTransferPath.For(input.Link, input.Prefill.Gpu, input.Prefill.Topology.GpusPerNode, input.LayerwiseTransfer, a.Communication);
        var serving = DisaggregatedServing.Estimate(new DisaggregationInput(
            d.Memory.Model, d.Memory.KvPrecision, d.InputTokens, Math.Max(1, d.OutputTokens), lambda,
            new PrefillPool(input.Prefill.Shape, prefillSide.PrefillTime, prefillSide.PromptTokensPerSecond),
            new DecodePool(input.Decode.Shape, decode.Tpot(running), Math.Max(1, (int)Math.Ceiling(running)), decodeLimits.MaxRunning, decode.Tpot(decodeLimits.MaxRunning)),
            transfer));
        reasons.AddRange(serving.Reasons);

        var outcome = speculative is null
            ? null
            : new SpeculativeOutcome(input.Speculative!, (int)Math.Ceiling(running), speculative.At(running, decode.Context), speculative.DraftWeightsPerGpu);
        var tail = TtftTail(serving);

        // One decode instance as a replica: it runs B requests, completes its share of the load (at most its capacity), and its
        // requests see the disaggregated TTFT and the decode pool's TPOT.
        var stages = input.Decode.Parallelism.Pipeline;
        var completed = Math.Min(perInstance, serving.Decode.CapacityRequestsPerSecond / input.Decode.Instances);
        var microBatches = Math.Max(1, Math.Min(stages, (int)Math.Ceiling(running)));
        var performance = new PerformanceEstimate((int)Math.Ceiling(running), serving.Ttft, serving.Tpot, serving.E2e,
            completed * Math.Max(1, d.OutputTokens), completed, decodeFigures.Step, prefillFigures.Step,
            PerformanceEstimator.Pipeline(decodeModel, stages, microBatches, running / microBatches), PerformanceEstimator.Bound(decodeFigures.Step),
            running, 0, decodeLimits.MaxRunning, tail, LatencyPercentiles.Constant(serving.Tpot));
        var instance = DeploymentEstimator.Assemble(decodeFigures.Input, decodeMemory, performance, a);
        return new DisaggregatedEstimate(reasons.Count == 0, serving, prefillFigures, decodeFigures, prefillSide.PrefillTime,
            prefillSide.PromptTokensPerSecond, decode.PlainTpot(running), outcome, tail, reasons, instance, transfer);
    }

    /// <summary>One pool's deployment input, memory at the resident concurrency, step model and admission limits.</summary>
    private static (PoolFigures Figures, StepModel Model, EngineLimits Limits) Pool(DeploymentInput d, PoolConfiguration pool, int? concurrency, EstimatorAssumptions a)
    {
        var input = d with
        {
            Memory = d.Memory with { Gpu = pool.Gpu, Parallelism = pool.Parallelism, Concurrency = concurrency },
            Topology = pool.Topology,
            MoeExchange = pool.MoeExchange,
        };
        var memory = MemoryEstimator.Estimate(input.Memory, a.Memory);
        var model = new StepModel(input.Memory, input.Topology, a.Performance, a.Communication, a.Memory, input.MoeExchange);
        var limits = EngineLimits.Of(input, memory, model.ReservesWholeSequence);
        return (new PoolFigures(pool, input, memory, model.Cost(1, input.InputTokens, 0, 0, 1), 1, limits.MaxRunning), model, limits);
    }

    private static void AddPoolReasons(string pool, MemoryEstimate memory, List<string> reasons)
    {
        foreach (var reason in memory.Reasons)
        {
            reasons.Add(pool + " pool: " + reason);
        }
    }

    /// <summary>TTFT quantiles: the fixed part (prefill and transfer) plus the M/D/1 wait, none with probability 1 − ρ, else
    /// roughly exponential with mean W/ρ; a saturated pool has no finite quantile.</summary>
    private static LatencyPercentiles TtftTail(DisaggregationEstimate serving)
    {
        var fixedPart = serving.Ttft - serving.PrefillQueue;
        var rho = serving.Prefill.Utilization;
        Seconds At(double q) => rho >= 1 ? serving.Ttft
            : rho > 0 && q > 1 - rho ? fixedPart + (serving.PrefillQueue / rho * Math.Log(rho / (1 - q)))
            : fixedPart;
        return new LatencyPercentiles(At(0.5), At(0.9), At(0.99));
    }
}

/// <summary>A prefill instance: one request's prefill and a busy instance's prompt throughput.</summary>
internal sealed class PrefillSide
{
    public PrefillSide(DeploymentInput d, StepModel model, EngineLimits limits, Parallelism parallelism)
    {
        var stages = parallelism.Pipeline;
        var ranks = parallelism.AttentionData;
        var prompt = d.InputTokens;
        BusyStepTokens = limits.BatchedTokens;
        BusyStep = model.Cost(0, 0, BusyStepTokens, prompt, BusyStepTokens / (double)prompt);
        PromptTokensPerSecond = BusyStepTokens / PerformanceEstimator.Latency(model, BusyStep, stages, BusyStepTokens).Value;

        // A prompt longer than a rank's budget is prefilled in chunks; every DP-attention rank carries one prompt meanwhile.
        var budget = Math.Max(1.0, limits.BatchedTokens / (double)ranks);
        var chunks = Math.Ceiling(prompt / budget);
        var chunk = Math.Min(prompt, budget);
        var last = prompt - ((chunks - 1) * budget);
        var end = PerformanceEstimator.Latency(model, model.Cost(0, 0, last * ranks, prompt, ranks), stages, last * ranks);
        var full = chunks > 1 ? PerformanceEstimator.Latency(model, model.Cost(0, 0, chunk * ranks, prompt, 0), stages, chunk * ranks) : Seconds.Zero;
        PrefillTime = model.RequestOverhead + (full * (chunks - 1)) + end;
    }

    public double BusyStepTokens { get; }

    public StepCost BusyStep { get; }

    public double PromptTokensPerSecond { get; }

    public Seconds PrefillTime { get; }
}

/// <summary>A decode instance: TPOT at a running batch, plain or speculative, and the batch a load keeps running.</summary>
internal sealed class DecodeSide(DeploymentInput d, StepModel model, EngineLimits limits, SpeculativeModel? speculative)
{
    private readonly int _stages = d.Memory.Parallelism.Pipeline;
    private readonly int _out = Math.Max(1, d.OutputTokens);

    /// <summary>Mean context of a running request: its prompt and half its output.</summary>
    public double Context { get; } = d.InputTokens + (Math.Max(1, d.OutputTokens) / 2.0);

    public Seconds PlainTpot(double batch) =>
        PerformanceEstimator.Latency(model, model.Cost(batch, Context, 0, 0, batch), _stages, batch);

    public Seconds Tpot(double batch) => speculative is null ? PlainTpot(batch) : speculative.At(batch, Context).Tpot;

    /// <summary>The most sequences one instance runs with TPOT within <paramref name="target"/>, and that TPOT; none when even one
    /// sequence misses it. TPOT grows with the batch, so the largest such batch is found by bisection on whole sequences.</summary>
    public (int Batch, Seconds Tpot)? LargestBatchWithin(Seconds target)
    {
        var one = Tpot(1);
        if (one > target)
        {
            return null;
        }

        int lo = 1, hi = limits.MaxRunning;
        var atHi = Tpot(hi);
        if (atHi <= target)
        {
            return (hi, atHi);
        }

        var atLo = one;
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            var at = Tpot(mid);
            if (at <= target)
            {
                (lo, atLo) = (mid, at);
            }
            else
            {
                hi = mid;
            }
        }

        return (lo, atLo);
    }

    /// <summary>Requests per second one instance completes running <paramref name="batch"/> sequences at <paramref name="tpot"/>.</summary>
    public double RequestsPerSecond(int batch, Seconds tpot) => batch / (tpot.Value * _out);

    /// <summary>The smallest batch B with B ≥ λ·out·TPOT(B) (Little's law), or the capacity when the load exceeds it.</summary>
    public double RunningAt(double arrivalsPerSecond)
    {
        double Excess(double b) => (arrivalsPerSecond * _out * Tpot(b).Value) - b;
        double lo = 1, hi = limits.MaxRunning;
        if (Excess(hi) > 0)
        {
            return hi;
        }

        if (Excess(lo) <= 0)
        {
            return lo;
        }

        for (var i = 0; i < 30 && hi - lo > 0.1; i++)
        {
            var mid = (lo + hi) / 2;
            if (Excess(mid) > 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return hi;
    }
}
