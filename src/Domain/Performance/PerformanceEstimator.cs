using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Units;

namespace Sizing.Domain.Performance;

/// <summary>One deployment to estimate end to end: its memory input plus the topology, request shape and batching.</summary>
public sealed record DeploymentInput(MemoryInput Memory, Topology Topology, int InputTokens, int OutputTokens, Batching Batching);

/// <summary>Latency, throughput and communication of one replica at a concurrency.</summary>
/// <param name="Concurrency">Sequences in flight per replica.</param>
/// <param name="Ttft">Time to first token: prefill (plus the wait for a step under continuous batching).</param>
/// <param name="Tpot">Time per output token after the first (one decode step, all stages).</param>
/// <param name="E2e">TTFT + (output − 1)·TPOT; for static batching, the whole batch's generation time.</param>
/// <param name="OutputTokensPerSecond">Output tokens per second of the replica.</param>
/// <param name="DecodeStep">The steady decode step the TPOT comes from (one stage).</param>
/// <param name="Prefill">The prefill step the TTFT comes from (one stage).</param>
/// <param name="Pipeline">Pipeline figures, when there is more than one stage.</param>
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
    string Bound)
{
    /// <summary>Decode speed one user sees, tokens per second (1 / TPOT).</summary>
    public double OutputTokensPerSecondPerUser => Tpot.Value > 0 ? 1 / Tpot.Value : 0;

    /// <summary>Share of a decode step's time spent in exposed collectives.</summary>
    public double CommunicationShareOfDecode => DecodeStep.Total.Value > 0 ? DecodeStep.Communication / DecodeStep.Total : 0;
}

/// <summary>Pipeline-parallel figures: stage split, activation hops and idle time.</summary>
/// <param name="Stages">Pipeline stages.</param>
/// <param name="LayersPerStage">Layers on the largest stage.</param>
/// <param name="MicroBatches">Micro-batches kept in flight (at most one per stage, at most the concurrency).</param>
/// <param name="HopBytes">Bytes one decode micro-batch sends to the next stage (hidden state and residual).</param>
/// <param name="HopTime">Time of one such send.</param>
/// <param name="BubbleFraction">Idle fraction of each stage: (p − 1)/(m + p − 1) (GPipe; docs/formulas.md §1.8).</param>
public sealed record PipelineFigures(int Stages, int LayersPerStage, int MicroBatches, Bytes HopBytes, Seconds HopTime, double BubbleFraction);

/// <summary>Latency and throughput from the step model, for static and continuous batching.</summary>
/// <remarks>
/// <para>Static batching: the whole batch's prompts run as one prefill, then every step decodes all sequences at the mean
/// context (prompt + half the output); E2E = TTFT + (out − 1)·TPOT and throughput = batch·out / E2E.</para>
/// <para>Continuous batching (vLLM, SGLang, TensorRT-LLM in-flight batching) in steady state: each decode step finishes
/// B/out requests whose replacements bring B·in/out prompt tokens, so each step carries B decodes plus that many prompt
/// tokens, limited by the batched-token budget (chunked prefill). Throughput = B / TPOT per replica. A new prompt waits
/// for the step budget as in an M/D/1 queue, ρ/(2(1 − ρ)) steps on top of half a step, then runs its chunks.</para>
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
            communication ?? CommunicationAssumptions.Default, memoryAssumptions ?? MemoryAssumptions.Default);
        return Estimate(input, model, memory.Concurrency, memory.MaxNumBatchedTokens);
    }

    /// <summary>The same estimate on a step model built once for this deployment, at any concurrency (the search reuses it).</summary>
    internal static PerformanceEstimate Estimate(DeploymentInput input, StepModel model, int concurrency, int batchedTokens)
    {
        concurrency = Math.Max(1, concurrency);
        return input.Batching == Batching.Static
            ? Static(input, model, concurrency)
            : Continuous(input, model, concurrency, batchedTokens);
    }

    private static PerformanceEstimate Static(DeploymentInput input, StepModel model, int batch)
    {
        int inTokens = input.InputTokens, outTokens = input.OutputTokens;
        var stages = input.Memory.Parallelism.Pipeline;
        var prefill = model.Cost(0, 0, (double)batch * inTokens, inTokens, batch);
        var ttft = Latency(model, prefill, stages, (double)batch * inTokens) + model.RequestOverhead;
        var decode = model.Cost(batch, inTokens + (outTokens / 2.0), 0, 0, batch);
        var tpot = Latency(model, decode, stages, batch);
        var e2e = ttft + (tpot * Math.Max(0, outTokens - 1));
        var throughput = e2e.Value > 0 ? batch * (double)outTokens / e2e.Value : 0;
        return new PerformanceEstimate(batch, ttft, tpot, e2e, throughput, throughput / Math.Max(1, outTokens), decode, prefill,
            Pipeline(model, stages, 1, batch), Bound(decode));
    }

    private static PerformanceEstimate Continuous(DeploymentInput input, StepModel model, int concurrency, int batchedTokens)
    {
        int inTokens = input.InputTokens, outTokens = Math.Max(1, input.OutputTokens);
        var stages = input.Memory.Parallelism.Pipeline;
        var microBatches = Math.Min(stages, concurrency);
        var perMicroBatch = (double)concurrency / microBatches;

        // Each decode step must also prefill the requests that replace the finished ones; the batched-token budget caps both.
        var promptShare = (double)inTokens / outTokens;
        var decodes = Math.Min(perMicroBatch, batchedTokens / (1 + promptShare));
        var decode = model.Cost(decodes, inTokens + (outTokens / 2.0), decodes * promptShare, inTokens, decodes + (decodes / outTokens));
        var tpot = Latency(model, decode, stages, decodes + (decodes * promptShare)) * model.PipelineSkew(microBatches);
        var throughput = microBatches * decodes / tpot.Value;

        // A new prompt is prefilled in chunks of what the budget leaves beside the running decodes.
        var chunk = Math.Max(batchedTokens - decodes, Math.Min(inTokens, batchedTokens));
        var chunks = Math.Ceiling(inTokens / chunk);
        var prefill = model.Cost(decodes, inTokens + (outTokens / 2.0), Math.Min(inTokens, chunk), inTokens, decodes + 1);
        // Prompts queue for the step budget like an M/D/1 server: ρ = prompt tokens arriving per step over what a step can take
        // (capped at 0.95: the decode cap above already keeps ρ ≤ 1, and the wait must stay finite at exactly 1).
        var utilisation = Math.Min(0.95, decodes * promptShare / Math.Max(1, batchedTokens - decodes));
        var queueing = tpot * (0.5 + (utilisation / (2 * (1 - utilisation))));
        var ttft = (Latency(model, prefill, stages, decodes + Math.Min(inTokens, chunk)) * chunks) + queueing + model.RequestOverhead;
        var e2e = ttft + (tpot * Math.Max(0, input.OutputTokens - 1));
        return new PerformanceEstimate(concurrency, ttft, tpot, e2e, throughput, throughput / outTokens, decode, prefill,
            Pipeline(model, stages, microBatches, decodes), Bound(decode));
    }

    /// <summary>A token's trip through every stage: p stage steps (each scheduled and launched by the engine) and p − 1 hops.</summary>
    private static Seconds Latency(StepModel model, StepCost stage, int stages, double tokens) =>
        ((stage.Total + model.StepOverhead) * stages) + (model.PipelineHop(tokens) * (stages - 1));

    private static PipelineFigures? Pipeline(StepModel model, int stages, int microBatches, double tokens)
    {
        if (stages == 1)
        {
            return null;
        }

        return new PipelineFigures(stages, model.StageLayers, microBatches,
            model.HopBytes(tokens), model.PipelineHop(tokens), (stages - 1.0) / (microBatches + stages - 1));
    }

    private static string Bound(StepCost step) =>
        step.Communication > step.Kernels ? "communication" : step.ComputeBound ? "compute" : "memory";
}
