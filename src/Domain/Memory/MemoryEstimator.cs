using System.Globalization;
using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Memory;

/// <summary>What the memory model needs to know about one deployment.</summary>
/// <param name="MaxModelLength">Longest sequence (prompt + output) the engine is configured for; the KV figures use it.</param>
/// <param name="SequenceLength">Tokens of one request of this workload (prompt + output).</param>
/// <param name="Concurrency">Sequences in flight per replica; null = as many as the KV pool holds.</param>
/// <param name="GpuMemoryUtilization">vLLM/SGLang: fraction of total memory the engine may use; TensorRT-LLM: fraction of
/// the memory left after weights and activations given to KV (free_gpu_memory_fraction); null = the engine's default.</param>
/// <param name="MaxNumBatchedTokens">Tokens one forward pass may hold (chunk size); null = the engine's default.</param>
/// <param name="MaxNumSeqs">Sequences the scheduler may run at once; null = the engine's default.</param>
/// <param name="ChunkedPrefill">False = a whole prompt is one forward pass (vLLM V0 default below 32K context), so the
/// activation profile runs at the full model length.</param>
/// <param name="BlockSize">KV block size in tokens (vLLM default 16).</param>
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
    bool ChunkedPrefill = true,
    int BlockSize = 16);

/// <summary>Memory on the most loaded GPU of a replica, and the KV capacity that leaves.</summary>
/// <param name="NonTorch">The part of <paramref name="RuntimeOverhead"/> inside the engine's budget (vLLM's "non-torch memory");
/// the rest, CUDA context and graphs, sits outside it.</param>
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
    IReadOnlyList<Assumption> Assumptions)
{
    /// <summary>What this workload needs on the GPU: weights, activations, runtime overhead and its sequences' KV.</summary>
    public Bytes Total => Weights + KvCache + Activations + RuntimeOverhead;

    public Bytes Headroom => Capacity - Total;
}

/// <summary>Per-GPU memory: weights, KV cache, activations, runtime overhead, and the engine's KV budget rule.</summary>
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
        var reasons = new List<string>(ParallelismRules.Check(model, parallelism, input.Engine));
        var format = PrecisionSupport.AssumedFormat(model, input.WeightPrecision);
        reasons.AddRange(PrecisionSupport.Problems(model, input.Gpu, input.Engine, input.WeightPrecision, format, input.KvPrecision).Select(p => "unsupported: " + p));
        var warnings = new List<string>();

        var weights = WeightCalculator.PerGpu(model, parallelism, input.WeightPrecision, input.Engine, a);
        var (batchedTokens, maxSeqs) = SchedulerLimits(input);
        var activations = Activations(input, batchedTokens, maxSeqs, a);
        var nonTorch = parallelism.GpusPerReplica > 1 ? a.NonTorchBase + a.NonTorchMultiGpu : a.NonTorchBase;
        var outsideBudget = a.CudaContext + a.CudaGraphs;
        var capacity = input.Gpu.Memory;
        var utilization = input.GpuMemoryUtilization ?? DefaultUtilizationFor(input.Engine, a);

        var pool = input.Engine switch
        {
            // SGLang's mem_fraction_static covers weights and the KV pool; activations live in the remainder.
            Engine.Sglang => (capacity * utilization) - weights,

            // TensorRT-LLM and LMDeploy give KV a fraction of what is free once weights and activations are resident.
            Engine.Trtllm or Engine.Lmdeploy => (capacity - weights - activations - nonTorch - outsideBudget) * utilization,

            // vLLM: fraction of total, minus everything profiled (gpu_worker.py determine_available_memory).
            _ => (capacity * utilization) - weights - activations - nonTorch,
        };

        var perTokenPerGpu = KvCacheCalculator.BytesPerTokenPerGpu(model, parallelism, input.KvPrecision);
        var perSequenceAtMax = KvCacheCalculator.PerSequencePerGpu(model, parallelism, input.KvPrecision, input.MaxModelLength, input.BlockSize);
        var perSequence = KvCacheCalculator.PerSequencePerGpu(model, parallelism, input.KvPrecision, input.SequenceLength, input.BlockSize);
        var usablePool = Bytes.Max(pool, Bytes.Zero);
        var effectivePerToken = (double)perSequenceAtMax.Value / input.MaxModelLength;

        // Under DP attention every attention rank keeps its own sequences in its own pool, so a replica holds AttentionData pools.
        var ranks = parallelism.AttentionData;
        var capacityTokens = effectivePerToken > 0
            ? (long)Math.Floor(usablePool.Value / effectivePerToken / input.BlockSize) * input.BlockSize * ranks
            : 0;
        var maxSequences = perSequence.Value > 0 ? (double)usablePool.Value / perSequence.Value * ranks : 0;

        if (pool <= Bytes.Zero)
        {
            reasons.Add(Invariant($"weights ({weights.GiB:0.##} GiB), activations ({activations.GiB:0.##} GiB) and runtime overhead leave no KV cache within {utilization:0.##} of {capacity.GiB:0.##} GiB per GPU"));
        }
        else if (perSequenceAtMax > pool)
        {
            reasons.Add(Invariant($"one {input.MaxModelLength}-token sequence needs {perSequenceAtMax.GiB:0.##} GiB of KV per GPU but the pool holds {pool.GiB:0.##} GiB"));
        }

        var concurrency = input.Concurrency ?? Math.Max(1, Math.Min(maxSeqs * ranks, (int)Math.Floor(maxSequences)));
        if (input.Concurrency is { } wanted && wanted > maxSequences && reasons.Count == 0)
        {
            reasons.Add(Invariant($"{wanted} concurrent {input.SequenceLength}-token sequences need {(perSequence * parallelism.SequencesPerAttentionRank(wanted)).GiB:0.##} GiB of KV per GPU but the pool holds {usablePool.GiB:0.##} GiB (at most {Math.Floor(maxSequences):0} sequences)"));
        }

        if (input.Concurrency is { } requested && requested > maxSeqs * ranks)
        {
            warnings.Add(ranks == 1
                ? Invariant($"concurrency {requested} exceeds the engine's max_num_seqs default of {maxSeqs}; raise it (--max-num-seqs) or the extra requests queue")
                : Invariant($"concurrency {requested} exceeds {ranks} DP-attention ranks × max_num_seqs {maxSeqs}; raise it (--max-num-seqs) or the extra requests queue"));
        }

        if (input.SequenceLength > model.MaxPositionEmbeddings)
        {
            warnings.Add(Invariant($"{input.SequenceLength} tokens exceed the model's max_position_embeddings ({model.MaxPositionEmbeddings})"));
        }

        var kvForWorkload = perSequence * (long)parallelism.SequencesPerAttentionRank(concurrency);
        var fits = reasons.Count == 0;
        var estimate = new MemoryEstimate(
            fits, weights, kvForWorkload, activations, nonTorch + outsideBudget, nonTorch, capacity, usablePool, perTokenPerGpu,
            capacityTokens, maxSequences, concurrency, utilization, batchedTokens, maxSeqs, reasons, warnings, a.Describe());
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

    /// <summary>The scheduler limits the engine would pick when the caller gives none.</summary>
    /// <remarks>
    /// vLLM V1 (engine/arg_utils.py): GPUs with ≥ 70 GiB other than A100 default to max_num_batched_tokens 8192 and
    /// max_num_seqs 1024 for the API server, others to 2048 and 256. TensorRT-LLM's trtllm-serve defaults to
    /// max_num_tokens 8192 and max_batch_size 2048. Without chunked prefill a whole prompt is one batch.
    /// </remarks>
    public static (int BatchedTokens, int MaxSeqs) SchedulerLimits(MemoryInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var large = input.Gpu.MemoryGiB >= 70 && !input.Gpu.Id.StartsWith("a100", StringComparison.Ordinal);
        var (tokens, seqs) = input.Engine switch
        {
            Engine.Trtllm => (8192, 2048),
            _ => large ? (8192, 1024) : (2048, 256),
        };
        if (!input.ChunkedPrefill)
        {
            tokens = Math.Max(input.MaxModelLength, tokens);
        }

        return (input.MaxNumBatchedTokens ?? tokens, input.MaxNumSeqs ?? seqs);
    }

    private static double DefaultUtilizationFor(Engine engine, MemoryAssumptions a) => engine switch
    {
        Engine.Sglang => a.SglangDefaultMemFractionStatic,
        Engine.Lmdeploy => a.LmdeployDefaultCacheFraction,
        _ => DefaultUtilization,
    };

    /// <summary>The activation peak the engine profiles (vLLM) or reserves (TensorRT-LLM) at its batch limits.</summary>
    /// <remarks>
    /// The larger of two phases: the forward pass over the batched tokens, whose widest live tensors are the gated-MLP
    /// intermediate (3·I/tp) and a few hidden-state copies (3·h), 2 bytes each (fits vLLM#10517: 2.07 GiB at 20,000 tokens,
    /// 2.99 GiB at 29,000 for Llama-3.1-8B); and the sampler warm-up, fp32 buffers of max_num_seqs × vocabulary.
    /// </remarks>
    private static Bytes Activations(MemoryInput input, int batchedTokens, int maxSeqs, MemoryAssumptions a)
    {
        var model = input.Model;
        var tp = input.Parallelism.Tensor;
        double widest = model.IntermediateSize;
        if (model.Moe is { } moe)
        {
            widest = Math.Max(model.Moe.MoeLayers < model.Layers ? widest : 0, ((double)moe.ExpertsPerToken + moe.SharedExperts) * moe.ExpertIntermediateSize);
        }

        var forward = batchedTokens * ((3.0 * widest / tp) + (3.0 * model.HiddenSize)) * 2.0;
        var sampler = input.Engine == Engine.Trtllm
            ? 0
            : ((double)maxSeqs * model.VocabSize * a.SamplerBytesPerSequencePerVocab) + ((double)batchedTokens * model.HiddenSize * a.HiddenBytesPerTokenPerUnit);
        return new Bytes(checked((long)Math.Round(Math.Max(forward, sampler))));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
