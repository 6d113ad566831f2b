using Sizing.Domain.Architecture;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;
using Sizing.Domain.Units;

namespace Sizing.Domain.Speculative;

/// <summary>Speculative decoding as configured: where drafts come from, how many per step, how often they are accepted.</summary>
/// <param name="Method">MTP modules, an EAGLE head, or a separate draft model.</param>
/// <param name="DraftTokens">k: tokens drafted per step (vLLM num_speculative_tokens, SGLang --speculative-num-steps,
/// TensorRT-LLM num_nextn_predict_layers).</param>
/// <param name="AcceptanceRate">a: probability a draft token is accepted once the ones before it were.</param>
/// <param name="DraftModel">The draft model's architecture (method draft only).</param>
public sealed record SpeculativeConfiguration(SpeculativeMethod Method, int DraftTokens, double AcceptanceRate, ModelArchitecture? DraftModel = null);

/// <summary>Speculation for one deployment at its running batch.</summary>
/// <param name="Batch">Sequences decoding together (the engine's running requests).</param>
/// <param name="Estimate">Tokens per step, step times, TPOT, speedup and where it stops paying.</param>
/// <param name="DraftWeightsPerGpu">Weights the drafter adds on each GPU (MTP module, EAGLE head or draft model); the engine
/// loads them before it sizes its KV pool.</param>
public sealed record SpeculativeOutcome(SpeculativeConfiguration Configuration, int Batch, SpeculativeEstimate Estimate, Bytes DraftWeightsPerGpu)
{
    /// <summary>A plain estimate's figures with speculation: every decode step yields tokens-per-step tokens for its step time, so
    /// TPOT (and its percentiles) divides by the speedup at the running batch and the running batch completes its requests that
    /// much faster; TTFT is unchanged (prefill does not speculate).</summary>
    public PerformanceEstimate Apply(PerformanceEstimate plain, int outputTokens)
    {
        ArgumentNullException.ThrowIfNull(plain);
        var speedup = Estimate.Speedup;
        var tpot = plain.Tpot / speedup;
        var tail = plain.TpotPercentiles;
        return plain with
        {
            Tpot = tpot,
            E2e = plain.Ttft + (tpot * Math.Max(0, outputTokens - 1)),
            OutputTokensPerSecond = plain.OutputTokensPerSecond * speedup,
            RequestsPerSecond = plain.RequestsPerSecond * speedup,
            TpotPercentiles = new LatencyPercentiles(tail.P50 / speedup, tail.P90 / speedup, tail.P99 / speedup),
        };
    }
}

/// <summary>Costs a speculative decoding configuration on the step model: the plain decode step, the verification step of
/// k + 1 tokens per sequence, and one drafting pass.</summary>
/// <remarks>
/// The drafter is costed as a model of its own on the same GPUs: one MTP module is one transformer block of the target plus
/// its projection and the shared head (<see cref="DraftArchitecture.Mtp"/>), an EAGLE head one dense decoder layer plus the
/// head (<see cref="DraftArchitecture.Eagle"/>), a draft model its whole step. The drafting passes run inside the engine's
/// step (one CUDA graph), so they add GPU time only; the verification step pays the engine's host work like any step.
/// </remarks>
public static class SpeculativeEstimator
{
    /// <summary>Why the engines cannot run <paramref name="configuration"/> on <paramref name="model"/> (empty when they can).</summary>
    public static IReadOnlyList<string> Problems(ModelArchitecture model, Parallelism parallelism, SpeculativeConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parallelism);
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>(0);
        if (configuration.Method == SpeculativeMethod.Mtp && model.MtpModules == 0)
        {
            problems.Add("speculative: this model ships no multi-token-prediction modules (config num_nextn_predict_layers is 0 or absent), so MTP cannot draft; use eagle with a trained head or a draft model");
        }

        if (configuration.DraftModel is { } draft && draft.VocabSize != model.VocabSize)
        {
            problems.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"speculative: the draft model's vocabulary ({draft.VocabSize} tokens) differs from the target's ({model.VocabSize}); vLLM and SGLang need the same tokenizer"));
        }

        if (parallelism.Pipeline > 1)
        {
            problems.Add("speculative: vLLM and SGLang do not run speculative decoding with pipeline parallelism");
        }

        return problems;
    }

    /// <summary>Weights the drafter adds on each GPU of <paramref name="memory"/>'s layout.</summary>
    public static Bytes DraftWeightsPerGpu(MemoryInput memory, SpeculativeConfiguration configuration, MemoryAssumptions? assumptions = null)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(configuration);
        return SpeculativeModel.DraftWeights(memory, configuration, assumptions ?? MemoryAssumptions.Default);
    }

    /// <summary>Speculation for <paramref name="input"/> at <paramref name="batch"/> running sequences.</summary>
    public static SpeculativeOutcome Estimate(DeploymentInput input, SpeculativeConfiguration configuration, int batch, EstimatorAssumptions? assumptions = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(configuration);
        var a = assumptions ?? EstimatorAssumptions.Default;
        var target = new StepModel(input.Memory, input.Topology, a.Performance, a.Communication, a.Memory, input.MoeExchange);
        var model = new SpeculativeModel(input, target, configuration, a);
        var context = input.InputTokens + (input.OutputTokens / 2.0);
        return new SpeculativeOutcome(configuration, Math.Max(1, batch), model.At(Math.Max(1, batch), context), model.DraftWeightsPerGpu);
    }
}

/// <summary>One deployment's target and draft step models, built once and asked at any batch.</summary>
internal sealed class SpeculativeModel
{
    private readonly DeploymentInput _input;
    private readonly StepModel _target;
    private readonly StepModel _draft;
    private readonly SpeculativeConfiguration _configuration;

    public SpeculativeModel(DeploymentInput input, StepModel target, SpeculativeConfiguration configuration, EstimatorAssumptions a)
    {
        _input = input;
        _target = target;
        _configuration = configuration;
        var memory = input.Memory;
        var (architecture, parallelism, precision) = Drafter(memory, configuration);
        var draftMemory = memory with { Model = architecture, Parallelism = parallelism, WeightPrecision = precision, DraftWeights = Bytes.Zero };
        _draft = new StepModel(draftMemory, input.Topology, a.Performance, a.Communication, a.Memory, input.MoeExchange);
        DraftWeightsPerGpu = DraftWeights(memory, configuration, a.Memory);
    }

    /// <summary>The drafter's weights per GPU. An EAGLE head shares the target's embedding and output head; MTP modules and
    /// draft models ship their own.</summary>
    public static Bytes DraftWeights(MemoryInput memory, SpeculativeConfiguration configuration, MemoryAssumptions assumptions)
    {
        var (architecture, parallelism, precision) = Drafter(memory, configuration);
        var held = configuration.Method == SpeculativeMethod.Eagle
            ? architecture with { Parameters = architecture.Parameters with { Embedding = 0, LmHead = 0 } }
            : architecture;
        return WeightCalculator.PerGpu(held, parallelism, precision, memory.Engine, assumptions);
    }

    public Bytes DraftWeightsPerGpu { get; }

    /// <summary>The speculative step at <paramref name="batch"/> sequences of mean context <paramref name="context"/>.</summary>
    public SpeculativeEstimate At(double batch, double context)
    {
        var stages = _input.Memory.Parallelism.Pipeline;
        var plain = PerformanceEstimator.Latency(_target, _target.Cost(batch, context, 0, 0, batch), stages, batch);
        var k = _configuration.DraftTokens;
        var verify = PerformanceEstimator.Latency(_target, _target.VerifyCost(batch, context, k), stages, batch * (k + 1));
        var draft = _draft.Cost(batch, context, 0, 0, batch).Total;
        return SpeculativeDecoding.Estimate(new SpeculativeInput(k, _configuration.AcceptanceRate, (int)Math.Ceiling(batch), plain, verify, draft));
    }

    private static (ModelArchitecture Model, Parallelism Parallelism, Precision Weights) Drafter(MemoryInput memory, SpeculativeConfiguration configuration)
    {
        var target = memory.Model;
        var p = memory.Parallelism;
        return configuration.Method switch
        {
            SpeculativeMethod.Mtp => (DraftArchitecture.Mtp(target), p, memory.WeightPrecision),
            SpeculativeMethod.Eagle => (DraftArchitecture.Eagle(target), p with { Expert = 1, RedundantExperts = 0 }, Precision.Bf16),
            _ => DraftModel(configuration.DraftModel ?? throw new ArgumentException("a draft model is needed for method draft", nameof(configuration)), p, memory.WeightPrecision),
        };
    }

    /// <summary>A draft model runs with the target's tensor degree where its heads allow it (vLLM's draft_tensor_parallel_size
    /// defaults to the target's), else on one GPU of each rank.</summary>
    private static (ModelArchitecture, Parallelism, Precision) DraftModel(ModelArchitecture draft, Parallelism target, Precision weights)
    {
        var tensor = ParallelismRules.Check(draft, new Parallelism(target.Tensor)).Count == 0 ? target.Tensor : 1;
        var expert = draft.Moe is not null && draft.Moe.Experts % target.Expert == 0 ? target.Expert : 1;
        return (draft, target with { Tensor = tensor, Expert = Math.Min(expert, tensor * target.AttentionData), RedundantExperts = 0 }, weights);
    }
}
