using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Moe;
using Sizing.Domain.Units;

namespace Sizing.Domain.Performance;

/// <summary>One deployment to estimate end to end: its memory input plus the topology, request shape, batching and load.</summary>
/// <param name="Arrival">How requests arrive; the clients (or the burst) number <c>Memory.Concurrency</c>.</param>
/// <param name="RequestsPerSecond">Arrival rate under <see cref="Arrival.Rate"/>.</param>
/// <param name="Requests">Requests in the run (a benchmark's <c>--num-prompts</c>): a burst's size, or how long a steady run lasts
/// (its first wave arrives at once); null = a burst of the clients, a steady run without end.</param>
/// <param name="MoeExchange">The MoE token exchange the engine is configured for under DP attention (SGLang
/// <c>--moe-a2a-backend</c>, vLLM <c>--all2all-backend</c>); null = the engine's default for the layout.</param>
public sealed record DeploymentInput(
    MemoryInput Memory,
    Topology Topology,
    int InputTokens,
    int OutputTokens,
    Batching Batching,
    Arrival Arrival = Arrival.Steady,
    double? RequestsPerSecond = null,
    int? Requests = null,
    MoeExchange? MoeExchange = null);

/// <summary>A latency at the median and in the tail over the requests of a run.</summary>
public readonly record struct LatencyPercentiles(Seconds P50, Seconds P90, Seconds P99)
{
    public static LatencyPercentiles Constant(Seconds value) => new(value, value, value);
}

/// <summary>Latency, throughput and communication of one replica under its load.</summary>
/// <param name="Concurrency">Requests in flight per replica, running or waiting (the clients, the burst, or λ·E2E).</param>
/// <param name="Ttft">Mean time to first token: waiting for admission, for the step budget, and the prefill itself.</param>
/// <param name="Tpot">Mean time per output token after the first, as a running request sees it.</param>
/// <param name="E2e">Mean TTFT + (output − 1)·TPOT; for static batching, the whole batch's generation time.</param>
/// <param name="OutputTokensPerSecond">Output tokens per second of the replica.</param>
/// <param name="DecodeStep">A decode step of the running batch (one stage), without prompt work.</param>
/// <param name="Prefill">The step that carries a request's prompt (one stage).</param>
/// <param name="Pipeline">Pipeline figures, when there is more than one stage.</param>
/// <param name="Running">Mean requests the engine runs at once.</param>
/// <param name="Waiting">Mean requests waiting for admission (KV pool or max_num_seqs full).</param>
/// <param name="Capacity">Most requests the engine runs at once: max_num_seqs, or what the KV pool holds at this workload.</param>
/// <param name="TtftPercentiles">TTFT at p50/p90/p99 over the run's requests.</param>
/// <param name="TpotPercentiles">TPOT at p50/p90/p99 over the run's requests (prefill chunks mixed into decode steps).</param>
public sealed record PerformanceEstimate(
    int Concurrency,
    Seconds Ttft,
    Seconds Tpot,
    Seconds E2e,
    double OutputTokensPerSecond,
    double RequestsPerSecond,
    StepCost DecodeStep,
    StepCost Prefill,
    PipelineFigures? Pipeline,
    string Bound,
    double Running,
    double Waiting,
    int Capacity,
    LatencyPercentiles TtftPercentiles,
    LatencyPercentiles TpotPercentiles)
{
    /// <summary>Decode speed one user sees, tokens per second (1 / TPOT).</summary>
    public double OutputTokensPerSecondPerUser => Tpot.Value > 0 ? 1 / Tpot.Value : 0;

    /// <summary>Share of a decode step's time spent in exposed collectives.</summary>
    public double CommunicationShareOfDecode => DecodeStep.Total.Value > 0 ? DecodeStep.Communication / DecodeStep.Total : 0;

    /// <summary>Requests wait for admission: more are in flight than the engine runs at once.</summary>
    public bool Queues => Waiting >= 0.5;
}

/// <summary>Pipeline-parallel figures: stage split, activation hops and idle time.</summary>
/// <param name="Stages">Pipeline stages.</param>
/// <param name="LayersPerStage">Layers on the largest stage.</param>
/// <param name="MicroBatches">Micro-batches kept in flight (at most one per stage, at most the running requests).</param>
/// <param name="HopBytes">Bytes one decode micro-batch sends to the next stage (hidden state and residual).</param>
/// <param name="HopTime">Time of one such send.</param>
/// <param name="BubbleFraction">Idle fraction of each stage: (p − 1)/(m + p − 1) (GPipe; docs/formulas.md §1.8).</param>
public sealed record PipelineFigures(int Stages, int LayersPerStage, int MicroBatches, Bytes HopBytes, Seconds HopTime, double BubbleFraction);

/// <summary>What the engine admits: the most requests it runs at once, and the tokens one step may carry.</summary>
/// <param name="MaxRunning">min(max_num_seqs, sequences the KV pool holds at this workload).</param>
/// <param name="BatchedTokens">Tokens one forward pass may hold (max_num_batched_tokens, chunked prefill).</param>
internal readonly record struct EngineLimits(int MaxRunning, int BatchedTokens)
{
    /// <summary>The limits <paramref name="memory"/> leaves for <paramref name="input"/>'s requests.</summary>
    /// <remarks>
    /// vLLM and SGLang allocate KV blocks as tokens arrive, so a running request holds its prompt and, on average over its life,
    /// half its output (vLLM v1 kv_cache_manager.allocate_slots; SGLang's retract-on-full scheduler); TensorRT-LLM's
    /// GUARANTEED_NO_EVICT capacity scheduler reserves prompt + output before it admits a request.
    /// </remarks>
    public static EngineLimits Of(DeploymentInput input, MemoryEstimate memory, bool reservesWholeSequence)
    {
        // The memory model counts whole prompt + output sequences (its KV layout and DP-attention ranks included); a running
        // request that grows its blocks as tokens arrive holds (in + out/2) / (in + out) of one on average.
        var whole = Math.Max(1, input.InputTokens + input.OutputTokens);
        var held = Math.Max(1, input.InputTokens + (reservesWholeSequence ? input.OutputTokens : input.OutputTokens / 2.0));
        var kvLimited = Math.Floor(memory.MaxConcurrentSequences * whole / held);
        // Each DP-attention rank schedules its own; over hundreds of ranks the sums outgrow 32 bits, so they are bounded there.
        var ranks = input.Memory.Parallelism.AttentionData;
        var seqLimit = Math.Min(int.MaxValue, (long)memory.MaxNumSeqs * ranks);
        var batchedTokens = Math.Min(int.MaxValue, (long)memory.MaxNumBatchedTokens * ranks);
        return new EngineLimits((int)Math.Clamp(kvLimited, 1, Math.Max(1, seqLimit)), (int)Math.Max(1, batchedTokens));
    }
}

/// <summary>Latency and throughput from the step model, for static and continuous batching under a load.</summary>
/// <remarks>
/// <para>Static batching: the whole batch's prompts run as one prefill, then every step decodes all sequences at the mean
/// context (prompt + half the output); E2E = TTFT + (out − 1)·TPOT and throughput = batch·out / E2E. A batch larger than
/// the engine runs at once goes in waves.</para>
/// <para>Continuous batching (vLLM, SGLang, TensorRT-LLM in-flight batching) is <see cref="ContinuousBatching"/>: the engine
/// runs at most its capacity, the rest wait; the running requests set TPOT and throughput, the waiting ones TTFT.</para>
/// <para>Pipeline parallelism never lowers TPOT: a token still crosses every stage, plus (p − 1) hops (docs/formulas.md §1.8);
/// with p micro-batches in flight the stages work concurrently, which is where its throughput comes from.</para>
/// </remarks>
public static class PerformanceEstimator
{
    public static PerformanceEstimate Estimate(
        DeploymentInput input,
        MemoryEstimate memory,
        PerformanceAssumptions? assumptions = null,
        CommunicationAssumptions? communication = null,
        MemoryAssumptions? memoryAssumptions = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(memory);
        var model = new StepModel(input.Memory, input.Topology, assumptions ?? PerformanceAssumptions.Default,
            communication ?? CommunicationAssumptions.Default, memoryAssumptions ?? MemoryAssumptions.Default, input.MoeExchange);
        var limits = EngineLimits.Of(input, memory, model.ReservesWholeSequence);
        return Estimate(input, model, limits, input.Memory.Concurrency);
    }

    /// <summary>The same estimate on a step model built once for this deployment, at any number of clients (the search reuses it).</summary>
    /// <param name="clients">Requests in flight (clients, or the burst); null = as many as the engine runs at once.</param>
    internal static PerformanceEstimate Estimate(DeploymentInput input, StepModel model, EngineLimits limits, int? clients)
    {
        var load = Math.Max(1, clients ?? limits.MaxRunning);
        return input.Batching == Batching.Static
            ? Static(input, model, limits, load)
            : ContinuousBatching.Estimate(input, model, limits, clients);
    }

    /// <summary><see cref="Estimate(DeploymentInput, StepModel, EngineLimits, int?)"/>'s headline figures at <paramref name="clients"/>.</summary>
    internal static PerformancePoint Headline(DeploymentInput input, StepModel model, EngineLimits limits, int clients) =>
        input.Batching == Batching.Static
            ? PerformancePoint.Of(Static(input, model, limits, Math.Max(1, clients)))
            : ContinuousBatching.Headline(input, model, limits, clients);

    /// <summary>One static batch at a time; a batch beyond the engine's capacity runs as consecutive waves.</summary>
    private static PerformanceEstimate Static(DeploymentInput input, StepModel model, EngineLimits limits, int batch)
    {
        int inTokens = input.InputTokens, outTokens = input.OutputTokens;
        var stages = input.Memory.Parallelism.Pipeline;
        var wave = Math.Min(batch, limits.MaxRunning);
        var waves = (int)Math.Ceiling((double)batch / wave);
        var prefill = model.Cost(0, 0, (double)wave * inTokens, inTokens, wave);
        var waveTtft = Latency(model, prefill, stages, (double)wave * inTokens) + model.RequestOverhead;
        var decode = model.Cost(wave, inTokens + (outTokens / 2.0), 0, 0, wave);
        var tpot = Latency(model, decode, stages, wave);
        var waveTime = waveTtft + (tpot * Math.Max(0, outTokens - 1));

        // Wave w starts when the w waves before it have finished: the batch's mean first token waits (waves − 1)/2 of them.
        var ttft = waveTtft + (waveTime * ((waves - 1) / 2.0));
        var e2e = waveTime * waves;
        var throughput = e2e.Value > 0 ? batch * (double)outTokens / e2e.Value : 0;
        var ttftTail = new LatencyPercentiles(
            waveTtft + (waveTime * Math.Floor(0.5 * waves)), waveTtft + (waveTime * Math.Floor(0.9 * waves)), waveTtft + (waveTime * (waves - 1)));
        return new PerformanceEstimate(batch, ttft, tpot, e2e, throughput, throughput / Math.Max(1, outTokens), decode, prefill,
            Pipeline(model, stages, 1, wave), Bound(decode), wave, batch - wave, limits.MaxRunning,
            ttftTail, LatencyPercentiles.Constant(tpot));
    }

    /// <summary>A token's trip through every stage: p stage steps (each scheduled and launched by the engine) and p − 1 hops.</summary>
    internal static Seconds Latency(StepModel model, StepCost stage, int stages, double tokens)
    {
        var host = model.StepOverhead(stage);
        var step = model.OverlapsHostWork ? Seconds.Max(stage.Total, host) : stage.Total + host;
        return (step * stages) + (model.PipelineHop(tokens) * (stages - 1));
    }

    internal static PipelineFigures? Pipeline(StepModel model, int stages, int microBatches, double tokens)
    {
        if (stages == 1)
        {
            return null;
        }

        return new PipelineFigures(stages, model.StageLayers, microBatches,
            model.HopBytes(tokens), model.PipelineHop(tokens), (stages - 1.0) / (microBatches + stages - 1));
    }

    internal static string Bound(StepCost step) =>
        step.Communication > step.Kernels ? "communication" : step.ComputeBound ? "compute" : "memory";
}

/// <summary>The headline figures of one performance estimate: what a search compares.</summary>
internal readonly record struct PerformancePoint(
    Seconds Ttft, Seconds Tpot, Seconds E2e, double OutputTokensPerSecond, double RequestsPerSecond, Seconds TtftP99, Seconds TpotP99)
{
    public double OutputTokensPerSecondPerUser => Tpot.Value > 0 ? 1 / Tpot.Value : 0;

    public static PerformancePoint Of(PerformanceEstimate e) =>
        new(e.Ttft, e.Tpot, e.E2e, e.OutputTokensPerSecond, e.RequestsPerSecond, e.TtftPercentiles.P99, e.TpotPercentiles.P99);
}
