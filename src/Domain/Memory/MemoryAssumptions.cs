using System.Runtime.CompilerServices;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Performance;
using Sizing.Domain.Units;

namespace Sizing.Domain.Memory;

/// <summary>The overheads the memory model assumes.</summary>
/// <remarks>
/// vLLM sizes its KV pool as <c>total × gpu_memory_utilization − (weights + peak activation + non-torch memory)</c>
/// (vllm/v1/worker/gpu_worker.py, docs/formulas.md §1.3); the CUDA context and CUDA-graph pools sit outside that budget.
/// The initialisers are priors: the constants in <see cref="FittedParameters"/> (group <c>memory.vllm</c>) are fitted to the
/// vLLM start-up lines of the measured sets (llm-d-benchmark's empirical vLLM memory results on H100, vLLM V1;
/// vllm-project/vllm#10517 on RTX 3090, V0), and <see cref="Default"/> carries those fits.
/// </remarks>
public sealed record MemoryAssumptions
{
    /// <summary>What the service answers with: the priors with every fitted constant at its fit on all measured rows.</summary>
    public static MemoryAssumptions Default => EstimatorAssumptions.Default.Memory;

    /// <summary>Non-torch memory on a single-GPU replica (allocator and library workspaces).</summary>
    /// <remarks>Prior 0.25 GiB; fitted (llm-d logs read 0.13–0.14 GiB "non-torch memory" for every TP 1 run on H100).</remarks>
    public Bytes NonTorchBase { get; init; } = Bytes.FromGiB(0.25);

    /// <summary>Extra non-torch memory once the replica spans GPUs: NCCL communicators and custom all-reduce IPC buffers.</summary>
    /// <remarks>Prior 0.5 GiB; fitted (llm-d logs read 0.54–0.55 GiB at TP 2 against 0.13–0.14 at TP 1).</remarks>
    public Bytes NonTorchMultiGpu { get; init; } = Bytes.FromGiB(0.5);

    /// <summary>CUDA context and driver allocations present before the engine starts, outside its budget.</summary>
    /// <remarks>llm-d log: "Free memory on device (78.59/79.19 GiB) on startup" — 0.6 GiB in use before loading.</remarks>
    public Bytes CudaContext { get; init; } = Bytes.FromGiB(0.6);

    /// <summary>CUDA-graph pool captured after the KV cache is allocated, outside the engine's budget.</summary>
    /// <remarks>llm-d logs: "CUDAGraph memory 0.39 GiB" (gpt-oss-20b) and 1.03 GiB (gpt-oss-120b); the midpoint is assumed.</remarks>
    public Bytes CudaGraphs { get; init; } = Bytes.FromGiB(0.7);

    /// <summary>Bytes the sampler's warm-up allocates per (sequence × vocabulary entry): fp32 logits, probabilities, sort buffers.</summary>
    /// <remarks>
    /// Prior 24 B (fp32 logits and probabilities plus sort buffers); fitted. llm-d's vLLM V1 "peak activation" on H100
    /// (max_num_seqs 1024) grows linearly in the vocabulary: 4.76 GiB (128,256), 5.56 (151,936), 7.38 (201,088).
    /// </remarks>
    public double SamplerBytesPerSequencePerVocab { get; init; } = 24;

    /// <summary>Bytes of hidden-state buffers per (batched token × hidden unit) kept alive during the sampler warm-up.</summary>
    /// <remarks>Prior 2 B (one 16-bit buffer); fitted (llm-d: peak activation grows 0.08 GiB when hidden size doubles at 8192 batched tokens).</remarks>
    public double HiddenBytesPerTokenPerUnit { get; init; } = 2;

    /// <summary>vLLM pads each MXFP4 expert's intermediate dimension to a multiple of this.</summary>
    /// <remarks>Prior 64 (vLLM mxfp4.py on CUDA; 256 under its FlashInfer MXFP4 backends); fitted among 64/128/256 to the gpt-oss
    /// weights rows (llm-d: 13.47 GiB for gpt-oss-20b, 64.38 GiB for gpt-oss-120b).</remarks>
    public int Mxfp4IntermediateAlignment { get; init; } = 64;

    /// <summary>SGLang's default <c>mem_fraction_static</c> when the caller gives none (weights plus KV pool as a fraction of total).</summary>
    /// <remarks>sglang server_args.py picks 0.79–0.88 by TP size and GPU memory; 0.85 is the middle of that range.</remarks>
    public double SglangDefaultMemFractionStatic { get; init; } = 0.85;

    /// <summary>LMDeploy's <c>cache_max_entry_count</c>: the fraction of free memory (after weights) given to the KV cache.</summary>
    /// <remarks>LMDeploy TurbomindEngineConfig default 0.8 (docs: "the percentage of free gpu memory occupied by the k/v cache").</remarks>
    public double LmdeployDefaultCacheFraction { get; init; } = 0.8;

    /// <summary>The assumptions as reported with every estimate; built once per instance (estimates run thousands of times per search).</summary>
    public IReadOnlyList<Assumption> Describe() => Described.GetValue(this, static a => a.Build());

    private static readonly ConditionalWeakTable<MemoryAssumptions, IReadOnlyList<Assumption>> Described = [];

    private IReadOnlyList<Assumption> Build() =>
    [
        Fitted("memory.nonTorchBaseGiB", Math.Round(NonTorchBase.GiB, 4)),
        Fitted("memory.nonTorchMultiGpuGiB", Math.Round(NonTorchMultiGpu.GiB, 4)),
        new("cudaContextGiB", Math.Round(CudaContext.GiB, 4), "GiB", AssumptionBasis.Measured, "llm-d-benchmark: 'Free memory on device (78.59/79.19 GiB) on startup'"),
        new("cudaGraphsGiB", Math.Round(CudaGraphs.GiB, 4), "GiB", AssumptionBasis.Assumption, "midpoint of llm-d-benchmark's CUDAGraph memory 0.39 GiB (gpt-oss-20b) and 1.03 GiB (gpt-oss-120b)"),
        Fitted("memory.samplerBytesPerSequencePerVocab", SamplerBytesPerSequencePerVocab),
        Fitted("memory.hiddenBytesPerTokenPerUnit", HiddenBytesPerTokenPerUnit),
        Fitted("memory.mxfp4IntermediateAlignment", Mxfp4IntermediateAlignment),
        new("sglangDefaultMemFractionStatic", SglangDefaultMemFractionStatic, "fraction", AssumptionBasis.Assumption, "middle of the 0.79-0.88 sglang server_args.py picks by TP size and GPU memory"),
        new("lmdeployDefaultCacheFraction", LmdeployDefaultCacheFraction, "fraction", AssumptionBasis.Measured, "LMDeploy TurbomindEngineConfig cache_max_entry_count default 0.8"),
    ];

    private static Assumption Fitted(string key, double value) => FittedParameters.Find(key)!.Describe(value);
}
