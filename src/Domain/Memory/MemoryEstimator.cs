using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Units;
using static Sizing.Domain.InvariantText;

namespace Sizing.Domain.Memory;

/// <summary>What the memory model needs to know about one deployment.</summary>
/// <param name="MaxModelLength">Longest sequence (prompt + output) the engine is configured for; the KV figures use it.</param>
/// <param name="SequenceLength">Tokens of one request of this workload (prompt + output).</param>
/// <param name="Concurrency">Sequences in flight per replica; null = as many as the KV pool holds.</param>
/// <param name="GpuMemoryUtilization">vLLM: fraction of total memory the engine may use; SGLang: mem_fraction_static (weights
/// and KV pool as a fraction of the memory free at start-up); TensorRT-LLM: fraction of the memory left after weights and
/// activations given to KV (free_gpu_memory_fraction); null = the engine release's default.</param>
/// <param name="MaxNumBatchedTokens">Tokens one forward pass may hold (chunk size); null = the engine release's default.</param>
/// <param name="MaxNumSeqs">Sequences the scheduler may run at once; null = the engine release's default.</param>
/// <param name="ChunkedPrefill">False = a whole prompt is one forward pass, so the activation profile runs at the full model
/// length; null = the engine release's default (vLLM V0: only above 32K context).</param>
/// <param name="BlockSize">KV block size in tokens (vLLM default 16; SGLang always uses one-token pages).</param>
/// <param name="EngineVersion">The engine release; null = the newest the model knows.</param>
/// <param name="EnforceEager">No CUDA graphs are captured (vLLM --enforce-eager), so their pool is not allocated.</param>
/// <param name="DraftWeights">Weights a speculative drafter adds on each GPU (MTP modules, an EAGLE head, a draft model): the
/// engine loads them with the model, before it sizes the KV pool.</param>
public sealed record MemoryInput(
    ModelArchitecture Model,
    GpuSpec Gpu,
    Parallelism Parallelism,
    Precision WeightPrecision,
    Precision KvPrecision,
    Engine Engine,
    int MaxModelLength,
    int SequenceLength,
    int? Concurrency = null,
    double? GpuMemoryUtilization = null,
    int? MaxNumBatchedTokens = null,
    int? MaxNumSeqs = null,
    bool? ChunkedPrefill = null,
    int BlockSize = 16,
    EngineVersion? EngineVersion = null,
    bool EnforceEager = false,
    Bytes DraftWeights = default);

/// <summary>Memory on the most loaded GPU of a replica, and the KV capacity that leaves.</summary>
/// <param name="NonTorch">The part of <paramref name="RuntimeOverhead"/> inside the engine's budget (vLLM's "non-torch memory");
/// the rest, CUDA context and graphs, sits outside it.</param>
/// <param name="KvCacheCapacityTokens">The capacity the engine reports ("GPU KV cache size: N tokens"), per replica.</param>
/// <param name="MaxConcurrentSequences">Requests of the workload's length the KV pool holds at once.</param>
/// <param name="Engine">The engine release the figures follow, e.g. "vllm 0.10.2" or "vllm latest".</param>
public sealed record MemoryEstimate(
    bool Fits,
    Bytes Weights,
    Bytes KvCache,
    Bytes Activations,
    Bytes RuntimeOverhead,
    Bytes NonTorch,
    Bytes Capacity,
    Bytes KvCachePool,
    double KvCacheBytesPerTokenPerGpu,
    long KvCacheCapacityTokens,
    double MaxConcurrentSequences,
    int Concurrency,
    double GpuMemoryUtilization,
    int MaxNumBatchedTokens,
    int MaxNumSeqs,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<Assumption> Assumptions,
    string Engine)
{
    /// <summary>What this workload needs on the GPU: weights, activations, runtime overhead and its sequences' KV.</summary>
    public Bytes Total => Weights + KvCache + Activations + RuntimeOverhead;

    public Bytes Headroom => Capacity - Total;

    /// <summary>Sequences the engine runs at once: those the KV pool holds, capped by its sequence limit (at least one when any fits).</summary>
    public int AdmittedSequences => (int)Math.Min(MaxNumSeqs, Math.Floor(MaxConcurrentSequences));
}

/// <summary>Per-GPU memory: weights, KV cache, activations, runtime overhead, and the engine's KV budget rule.</summary>
/// <remarks>
/// Figures are for the GPU that binds the KV pool: vLLM sizes every worker's pool to the smallest (kv_cache_utils
/// get_kv_cache_configs), and the last pipeline stage holds the LM head and runs the sampler warm-up, so it is that one.
/// </remarks>
public static class MemoryEstimator
{
    /// <summary>vLLM's and TensorRT-LLM's documented default (gpu_memory_utilization / free_gpu_memory_fraction = 0.9).</summary>
    public const double DefaultUtilization = 0.9;

    public static MemoryEstimate Estimate(MemoryInput input, MemoryAssumptions? assumptions = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var a = assumptions ?? MemoryAssumptions.Default;
        var model = input.Model;
        var parallelism = input.Parallelism;
        var rules = EngineMemoryRules.For(input.Engine, input.EngineVersion);
        var reasons = new List<string>(ParallelismRules.Check(model, parallelism, input.Engine));
        var warnings = new List<string>();
        // An estimate reads fp8 on an MXFP4-shipped model as that checkpoint with FP8 elsewhere; a plan never does (see ShippedReading).
        var shipped = PrecisionSupport.ShippedReading(model, input.WeightPrecision);
        var checkedPrecision = shipped is null ? input.WeightPrecision : Precision.Fp4;
        var format = PrecisionSupport.AssumedFormat(model, checkedPrecision);
        reasons.AddRange(PrecisionSupport.Problems(model, input.Gpu, input.Engine, checkedPrecision, format, input.KvPrecision).Select(p => "unsupported: " + p));
        if (shipped is not null)
        {
            warnings.Add(shipped);
        }

        var weights = WeightCalculator.PerGpu(model, parallelism, input.WeightPrecision, input.Engine, a) + input.DraftWeights;
        var (batchedTokens, maxSeqs) = SchedulerLimits(input);
        var activations = ActivationsFor(input, rules, batchedTokens, maxSeqs, a);
        var nonTorch = rules.NonTorch(input.Gpu, parallelism, a);
        var outsideBudget = a.CudaContext + (input.EnforceEager ? Bytes.Zero : a.CudaGraphs);
        var capacity = input.Gpu.Memory;
        var utilization = input.GpuMemoryUtilization ?? DefaultUtilizationFor(input, rules, a);
        var pool = Pool(input, rules, a, weights, activations, nonTorch, outsideBudget, utilization);

        var layout = KvCacheLayout.For(model, parallelism, input.KvPrecision, input.BlockSize, batchedTokens, rules);
        var usablePool = Bytes.Max(pool, Bytes.Zero);
        var plan = KvPoolPlan.Plan(layout, usablePool, input.MaxModelLength, input.SequenceLength, rules);
        var perSequenceAtMax = layout.PerRequest(input.MaxModelLength);
        var perSequence = layout.PerRequest(input.SequenceLength);
        var perTokenPerGpu = KvCacheCalculator.BytesPerTokenPerGpu(model, parallelism, input.KvPrecision);

        // Under DP attention every attention rank keeps its own sequences in its own pool, so a replica holds AttentionData pools.
        var ranks = parallelism.AttentionData;

        if (pool <= Bytes.Zero || perSequenceAtMax > pool)
        {
            reasons.Add(pool <= Bytes.Zero
                ? Invariant($"weights ({weights.GiB:0.##} GiB), activations ({activations.GiB:0.##} GiB) and runtime overhead leave no KV cache within {utilization:0.##} of {capacity.GiB:0.##} GiB per GPU")
                : Invariant($"one {input.MaxModelLength}-token sequence needs {perSequenceAtMax.GiB:0.##} GiB of KV per GPU but the pool holds {pool.GiB:0.##} GiB"));
            reasons.AddRange(FitAdvice.Suggest(new FitAdvice.Situation(input, rules, a, layout, weights, nonTorch, outsideBudget, utilization, batchedTokens, maxSeqs, perSequenceAtMax)));
        }

        var maxSequences = plan.SequencesThatFit * ranks;

        // The scheduler's cap over all ranks bounds the resident count; tiny sequences in large pools fit billions, so the
        // comparison runs in doubles before the (checked) cast.
        var schedulerCap = (long)maxSeqs * ranks;
        var resident = (int)Math.Max(1, Math.Min(Math.Min(schedulerCap, int.MaxValue), Math.Floor(maxSequences)));
        var concurrency = input.Concurrency ?? resident;
        if (input.Concurrency is { } wanted && wanted > maxSequences && reasons.Count == 0)
        {
            // Not a failure: the engine runs what its pool holds and the rest wait (the performance figures say how long).
            warnings.Add(Invariant($"{wanted} concurrent {input.SequenceLength}-token sequences would need {(perSequence * parallelism.SequencesPerAttentionRank(wanted)).GiB:0.##} GiB of KV per GPU but the pool holds {usablePool.GiB:0.##} GiB (at most {Math.Floor(maxSequences):0} whole sequences): the engine runs what fits and the other requests queue"));
        }

        if (input.Concurrency is { } requested && requested > schedulerCap)
        {
            warnings.Add(ranks == 1
                ? Invariant($"concurrency {requested} exceeds the engine's max_num_seqs of {maxSeqs}; raise it (--max-num-seqs) or the extra requests queue")
                : Invariant($"concurrency {requested} exceeds {ranks} DP-attention ranks × max_num_seqs {maxSeqs}; raise it (--max-num-seqs) or the extra requests queue"));
        }

        if (input.SequenceLength > model.MaxPositionEmbeddings)
        {
            warnings.Add(Invariant($"{input.SequenceLength} tokens exceed the model's max_position_embeddings ({model.MaxPositionEmbeddings})"));
        }

        var kvForWorkload = perSequence * (long)parallelism.SequencesPerAttentionRank(Math.Min(concurrency, resident));
        var fits = reasons.Count == 0;
        var estimate = new MemoryEstimate(
            fits, weights, kvForWorkload, activations, nonTorch + outsideBudget, nonTorch, capacity, usablePool, perTokenPerGpu,
            plan.ReportedTokens * ranks, maxSequences, concurrency, utilization, batchedTokens, maxSeqs, reasons, warnings, a.Describe(), rules.Label);
        if (fits && estimate.Headroom < Bytes.Zero)
        {
            return estimate with
            {
                Fits = false,
                Reasons = [.. reasons, Invariant($"needs {estimate.Total.GiB:0.##} GiB per GPU but the GPU has {capacity.GiB:0.##} GiB")],
            };
        }

        return estimate;
    }

    /// <summary>The scheduler limits in force: the caller's, else the engine release's defaults (<see cref="EngineMemoryRules.Scheduler"/>).</summary>
    public static (int BatchedTokens, int MaxSeqs) SchedulerLimits(MemoryInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var defaults = EngineMemoryRules.For(input.Engine, input.EngineVersion).Scheduler(input.Gpu, input.MaxModelLength, input.ChunkedPrefill);
        return (input.MaxNumBatchedTokens ?? defaults.MaxNumBatchedTokens, input.MaxNumSeqs ?? defaults.MaxNumSeqs);
    }

    /// <summary>The KV pool each engine's budget rule leaves, before it is divided into blocks.</summary>
    internal static Bytes Pool(
        MemoryInput input, EngineMemoryRules rules, MemoryAssumptions a, Bytes weights, Bytes activations, Bytes nonTorch, Bytes outsideBudget, double utilization)
    {
        var capacity = input.Gpu.Memory;
        return input.Engine switch
        {
            // SGLang (model_runner.py init_memory_pool): free memory after loading minus total × (1 − mem_fraction_static), where
            // "total" is what was free at start-up, after the CUDA context and communicators: so = free-at-start × fraction − weights.
            Engine.Sglang => ((capacity - a.CudaContext - rules.CommunicationBuffers(input.Gpu, input.Parallelism, a)) * utilization) - weights,

            // TensorRT-LLM and LMDeploy give KV a fraction of what is free once weights and activations are resident.
            Engine.Trtllm or Engine.Lmdeploy => (capacity - weights - activations - nonTorch - outsideBudget) * utilization,

            // vLLM: fraction of total, minus everything profiled (gpu_worker.py determine_available_memory).
            _ => (capacity * utilization) - weights - activations - nonTorch,
        };
    }

    private static double DefaultUtilizationFor(MemoryInput input, EngineMemoryRules rules, MemoryAssumptions a) => input.Engine switch
    {
        Engine.Sglang => rules.SglangMemFractionStatic(input.Gpu, input.Parallelism),
        Engine.Lmdeploy => a.LmdeployDefaultCacheFraction,
        _ => DefaultUtilization,
    };

    /// <summary>The activation peak the engine profiles (vLLM) or reserves (TensorRT-LLM) at its batch limits, on the last stage.</summary>
    /// <remarks>
    /// The larger of two phases. The forward pass over the batched tokens: for dense layers the gated-MLP intermediate (3·I/tp)
    /// and a few hidden-state copies (3·h), 2 bytes each (fits vLLM#10517: 2.07 GiB at 20,000 tokens, 2.99 GiB at 29,000 for
    /// Llama-3.1-8B); for MoE layers vLLM's fused_moe caches per routed token, [M, k, 2N] + [M·k, N] + [M, k, h] with N = I/tp
    /// (fused_moe.py, M at most the MoE chunk). And the sampler warm-up, which only the last pipeline stage runs: fp32 buffers of
    /// max_num_seqs × vocabulary (<see cref="SamplerWarmup"/>), plus, from vLLM 0.12, the MoE kernels' workspace that the
    /// persistent workspace manager still holds ([M, k, max(N, h)] + [M, k, max(2N, h)] + [M, h]; modular_kernel workspace_shapes).
    /// Doubles throughout: a million batched tokens times a 200k vocabulary overflows 64-bit integers.
    /// </remarks>
    internal static Bytes ActivationsFor(MemoryInput input, EngineMemoryRules rules, int batchedTokens, int maxSeqs, MemoryAssumptions a)
    {
        var model = input.Model;
        var tp = input.Parallelism.Tensor;
        double tokens = batchedTokens;
        double h = model.HiddenSize;
        var hasDenseMlp = model.Moe is not { } m || m.MoeLayers < model.Layers || m.SharedExperts > 0;
        var denseWidth = model.Moe is { } withShared && withShared.MoeLayers == model.Layers
            ? (double)withShared.SharedExperts * withShared.ExpertIntermediateSize
            : model.IntermediateSize;
        var forward = hasDenseMlp ? tokens * ((3.0 * denseWidth / tp) + (3.0 * h)) * 2.0 : 0;
        double workspace = 0;
        if (model.Moe is { } moe)
        {
            double chunk = Math.Min(tokens, a.FusedMoeChunkTokens);
            double k = moe.ExpertsPerToken;
            var n = (double)moe.ExpertIntermediateSize / input.Parallelism.ExpertTensor;
            forward = Math.Max(forward, ((chunk * k * ((3.0 * n) + h)) + (tokens * 3.0 * h)) * 2.0);
            var nativeMxfp4 = model.NativeExpertPrecision is { } native && WeightCalculator.ExpertPrecision(model, input.WeightPrecision) == native;
            if (rules.PersistentMoeWorkspace && !nativeMxfp4)
            {
                workspace = ((chunk * k * (Math.Max(n, h) + Math.Max(2 * n, h))) + (chunk * h)) * 2.0;
            }
        }

        var sampler = rules.Sampler == SamplerWarmup.None
            ? 0
            : ((double)maxSeqs * model.VocabSize * rules.SamplerBytesPerEntry(a)) + (tokens * h * a.HiddenBytesPerTokenPerUnit) + workspace;
        return new Bytes((long)Math.Round(Math.Max(forward, sampler)));
    }

}
