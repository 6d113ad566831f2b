using System.Runtime.CompilerServices;
using Sizing.Domain.Units;

namespace Sizing.Domain.Memory;

/// <summary>The overheads the memory model assumes, each calibrated against engine start-up logs.</summary>
/// <remarks>
/// vLLM sizes its KV pool as <c>total × gpu_memory_utilization − (weights + peak activation + non-torch memory)</c>
/// (vllm/v1/worker/gpu_worker.py, formulas.md §1.3); the CUDA context and CUDA-graph pools sit outside that budget.
/// The defaults reproduce the start-up lines of the llm-d-benchmark empirical vLLM memory results (H100, vLLM V1) and
/// vllm-project/vllm#10517 (RTX 3090, V0) within a few percent.
/// </remarks>
public sealed record MemoryAssumptions
{
    public static MemoryAssumptions Default { get; } = new();

    /// <summary>Non-torch memory on a single-GPU replica (allocator and library workspaces).</summary>
    /// <remarks>llm-d logs: 0.13–0.14 GiB "non-torch memory" for every TP 1 run on H100.</remarks>
    public Bytes NonTorchBase { get; init; } = Bytes.FromGiB(0.135);

    /// <summary>Extra non-torch memory once the replica spans GPUs: NCCL communicators and custom all-reduce IPC buffers.</summary>
    /// <remarks>llm-d logs: 0.54–0.55 GiB at TP 2 against 0.13–0.14 at TP 1 (Qwen3-32B, Llama-3.3-70B).</remarks>
    public Bytes NonTorchMultiGpu { get; init; } = Bytes.FromGiB(0.41);

    /// <summary>CUDA context and driver allocations present before the engine starts, outside its budget.</summary>
    /// <remarks>llm-d log: "Free memory on device (78.59/79.19 GiB) on startup" — 0.6 GiB in use before loading.</remarks>
    public Bytes CudaContext { get; init; } = Bytes.FromGiB(0.6);

    /// <summary>CUDA-graph pool captured after the KV cache is allocated, outside the engine's budget.</summary>
    /// <remarks>llm-d logs: "CUDAGraph memory 0.39 GiB" (gpt-oss-20b) and 1.03 GiB (gpt-oss-120b); the midpoint is assumed.</remarks>
    public Bytes CudaGraphs { get; init; } = Bytes.FromGiB(0.7);

    /// <summary>Bytes the sampler's warm-up allocates per (sequence × vocabulary entry): fp32 logits, probabilities, sort buffers.</summary>
    /// <remarks>
    /// Fitted to llm-d's vLLM V1 "peak activation" on H100 (max_num_seqs 1024): 4.76 GiB (vocab 128,256), 5.56 (151,936),
    /// 7.38 (201,088) — linear in the vocabulary at 3.646e-5 GiB per entry = 1024 × 38.2 B.
    /// </remarks>
    public double SamplerBytesPerSequencePerVocab { get; init; } = 38.2;

    /// <summary>Bytes of hidden-state buffers per (batched token × hidden unit) kept alive during the sampler warm-up.</summary>
    /// <remarks>llm-d logs: peak activation grows 0.08 GiB when hidden size doubles 4096 → 8192 at 8192 batched tokens (2.56 B).</remarks>
    public double HiddenBytesPerTokenPerUnit { get; init; } = 2.56;

    /// <summary>vLLM pads each MXFP4 expert's intermediate dimension to a multiple of this on Hopper kernels.</summary>
    /// <remarks>Reproduces llm-d's 13.47 GiB (gpt-oss-20b) and 64.38 GiB (gpt-oss-120b) weights: 2880 → 3072.</remarks>
    public int Mxfp4IntermediateAlignment { get; init; } = 256;

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
        new("nonTorchBaseGiB", Math.Round(NonTorchBase.GiB, 4), "GiB", "llm-d-benchmark empirical vLLM memory results: non-torch 0.13-0.14 GiB at TP 1 (H100)"),
        new("nonTorchMultiGpuGiB", Math.Round(NonTorchMultiGpu.GiB, 4), "GiB", "llm-d-benchmark: non-torch 0.54-0.55 GiB at TP 2 vs 0.13-0.14 at TP 1 (NCCL and custom all-reduce buffers)"),
        new("cudaContextGiB", Math.Round(CudaContext.GiB, 4), "GiB", "llm-d-benchmark: 'Free memory on device (78.59/79.19 GiB) on startup'"),
        new("cudaGraphsGiB", Math.Round(CudaGraphs.GiB, 4), "GiB", "llm-d-benchmark: CUDAGraph memory 0.39 GiB (gpt-oss-20b) and 1.03 GiB (gpt-oss-120b)"),
        new("samplerBytesPerSequencePerVocab", SamplerBytesPerSequencePerVocab, "bytes", "fitted to vLLM V1 peak activation 4.76/5.56/7.38 GiB at vocab 128k/152k/201k (llm-d-benchmark)"),
        new("hiddenBytesPerTokenPerUnit", HiddenBytesPerTokenPerUnit, "bytes", "llm-d-benchmark: +0.08 GiB peak activation when hidden size doubles at 8192 batched tokens"),
        new("mxfp4IntermediateAlignment", Mxfp4IntermediateAlignment, "elements", "vLLM MXFP4 MoE pads intermediate size; reproduces 13.47/64.38 GiB gpt-oss weights (llm-d-benchmark)"),
    ];
}
