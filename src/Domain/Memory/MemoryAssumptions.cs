using System.Runtime.CompilerServices;
using Sizing.Domain.Units;

namespace Sizing.Domain.Memory;

/// <summary>The overheads the memory model assumes, each calibrated against engine start-up logs.</summary>
/// <remarks>
/// vLLM sizes its KV pool as <c>total × gpu_memory_utilization − (weights + peak activation + non-torch memory)</c>
/// (vllm/v1/worker/gpu_worker.py, formulas.md §1.3); the CUDA context and CUDA-graph pools sit outside that budget.
/// The defaults reproduce the start-up lines of the llm-d-benchmark empirical vLLM memory results (H100, vLLM V1 before 0.11),
/// the llm-d-planner vLLM 0.19.0 logs and vllm-project/vllm#10517 (RTX 3090, V0) within a few percent; which constant applies
/// to which engine release is decided in <see cref="EngineMemoryRules"/>.
/// </remarks>
public sealed record MemoryAssumptions
{
    public static MemoryAssumptions Default { get; } = new();

    /// <summary>Non-torch memory on a single-GPU replica (allocator and library workspaces), vLLM before 0.11 and other engines.</summary>
    /// <remarks>llm-d logs: 0.13–0.14 GiB "non-torch memory" for every TP 1 run on H100.</remarks>
    public Bytes NonTorchBase { get; init; } = Bytes.FromGiB(0.135);

    /// <summary>Non-torch memory on a single-GPU replica for vLLM 0.12 and later.</summary>
    /// <remarks>llm-d-planner vLLM 0.19.0 logs, TP 1 on H100: 'non-torch forward increase memory' 0.24–0.27 GiB over six models;
    /// llm-d's vLLM 0.11.0 run still logs 0.14, so the step lies between; 0.12.0 is assumed.</remarks>
    public Bytes NonTorchBaseRecent { get; init; } = Bytes.FromGiB(0.25);

    /// <summary>An NCCL communicator's buffers, once the replica spans GPUs.</summary>
    /// <remarks>vLLM 0.10.2 at TP 8 over PCIe L40S (custom all-reduce off) logs 0.21 GiB non-torch against 0.13 at TP 1
    /// (tim-roethig/ai-platform qwen3_235b_on_8xl40s.md); one source.</remarks>
    public Bytes NcclCommunicator { get; init; } = Bytes.FromGiB(0.08);

    /// <summary>vLLM's custom all-reduce IPC buffers, where peer access allows it (NVLink, or PCIe with two GPUs).</summary>
    /// <remarks>llm-d logs: non-torch 0.54–0.55 GiB at TP 2 against 0.13–0.14 at TP 1 on H100, less the NCCL communicator.</remarks>
    public Bytes CustomAllReduceBuffers { get; init; } = Bytes.FromGiB(0.33);

    /// <summary>vLLM 0.11+'s torch symmetric-memory all-reduce buffers on NVSwitch Hopper and Blackwell nodes (vllm#24111).</summary>
    /// <remarks>llm-d-planner vLLM 0.19.0 logs on H100: non-torch 2.06–2.21 GiB at TP 2 and 4 over five models, less the
    /// single-GPU, NCCL and custom all-reduce shares.</remarks>
    public Bytes SymmetricMemoryAllReduceBuffers { get; init; } = Bytes.FromGiB(1.45);

    /// <summary>CUDA context and driver allocations present before the engine starts, outside its budget.</summary>
    /// <remarks>llm-d log: "Free memory on device (78.59/79.19 GiB) on startup" — 0.6 GiB in use before loading.</remarks>
    public Bytes CudaContext { get; init; } = Bytes.FromGiB(0.6);

    /// <summary>CUDA-graph pool captured after the KV cache is allocated, outside the engine's budget.</summary>
    /// <remarks>llm-d logs: "CUDAGraph memory 0.39 GiB" (gpt-oss-20b) and 1.03 GiB (gpt-oss-120b); the midpoint is assumed.</remarks>
    public Bytes CudaGraphs { get; init; } = Bytes.FromGiB(0.7);

    /// <summary>Bytes the full-sort sampler warm-up (vLLM V0, V1 0.8–0.10) allocates per (sequence × vocabulary entry): fp32
    /// logits, a temperature copy, the sorted values and int64 indices, the scattered result, probabilities and noise (≈ 39 B).</summary>
    /// <remarks>
    /// Fitted to llm-d's vLLM V1 "peak activation" on H100 (max_num_seqs 1024): 4.76 GiB (vocab 128,256), 5.56 (151,936),
    /// 7.38 (201,088) — linear in the vocabulary at 3.646e-5 GiB per entry = 1024 × 38.2 B.
    /// </remarks>
    public double SamplerBytesPerSequencePerVocab { get; init; } = 38.2;

    /// <summary>Bytes the lighter sampler warm-up of vLLM 0.11 and later allocates per (sequence × vocabulary entry).</summary>
    /// <remarks>
    /// Fitted to the llm-d-planner vLLM 0.19.0 "torch peak memory increase" of seven dense models at max_num_seqs 1024 (1.89 GiB
    /// Llama-3.1-8B, 2.21 Qwen2.5-7B, 1.96 Llama-3.3-70B, 2.29 Qwen2.5-72B, 3.66 Gemma-2-27B, 3.99 Gemma-3-27B, 2.87 gpt-oss-20b);
    /// llm-d's vLLM 0.11.0 Mistral-Small-3.2 row (2.12 GiB) sits 8 % above it.
    /// </remarks>
    public double LightSamplerBytesPerSequencePerVocab { get; init; } = 14.8;

    /// <summary>Bytes of hidden-state buffers per (batched token × hidden unit) kept alive during the sampler warm-up.</summary>
    /// <remarks>llm-d logs: peak activation grows 0.08 GiB when hidden size doubles 4096 → 8192 at 8192 batched tokens (2.56 B).</remarks>
    public double HiddenBytesPerTokenPerUnit { get; init; } = 2.56;

    /// <summary>Tokens vLLM's fused MoE kernels process per chunk; their intermediates and workspaces scale with at most this many.</summary>
    /// <remarks>vllm/envs.py VLLM_FUSED_MOE_CHUNK_SIZE default 16 × 1024.</remarks>
    public int FusedMoeChunkTokens { get; init; } = 16_384;

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
        new("nonTorchBaseRecentGiB", Math.Round(NonTorchBaseRecent.GiB, 4), "GiB", "llm-d-planner vLLM 0.19.0 logs: non-torch 0.24-0.27 GiB at TP 1 (H100); applied from 0.12.0 (assumed; 0.11.0 logs 0.14)"),
        new("ncclCommunicatorGiB", Math.Round(NcclCommunicator.GiB, 4), "GiB", "vLLM 0.10.2 log, TP 8 L40S without custom all-reduce: non-torch 0.21 vs 0.13 GiB (one source)"),
        new("customAllReduceBuffersGiB", Math.Round(CustomAllReduceBuffers.GiB, 4), "GiB", "llm-d-benchmark: non-torch 0.54-0.55 GiB at TP 2 vs 0.13-0.14 at TP 1, less the NCCL communicator"),
        new("symmetricMemoryAllReduceBuffersGiB", Math.Round(SymmetricMemoryAllReduceBuffers.GiB, 4), "GiB", "llm-d-planner vLLM 0.19.0 logs: non-torch 2.06-2.21 GiB at TP 2/4 on H100 (vllm#24111 symmetric-memory all-reduce)"),
        new("cudaContextGiB", Math.Round(CudaContext.GiB, 4), "GiB", "llm-d-benchmark: 'Free memory on device (78.59/79.19 GiB) on startup'"),
        new("cudaGraphsGiB", Math.Round(CudaGraphs.GiB, 4), "GiB", "llm-d-benchmark: CUDAGraph memory 0.39 GiB (gpt-oss-20b) and 1.03 GiB (gpt-oss-120b)"),
        new("samplerBytesPerSequencePerVocab", SamplerBytesPerSequencePerVocab, "bytes", "fitted to vLLM V1 peak activation 4.76/5.56/7.38 GiB at vocab 128k/152k/201k (llm-d-benchmark)"),
        new("lightSamplerBytesPerSequencePerVocab", LightSamplerBytesPerSequencePerVocab, "bytes", "fitted to vLLM 0.19.0 peak activation of seven dense models at max_num_seqs 1024 (llm-d-planner logs)"),
        new("fusedMoeChunkTokens", FusedMoeChunkTokens, "tokens", "vllm/envs.py VLLM_FUSED_MOE_CHUNK_SIZE default"),
        new("hiddenBytesPerTokenPerUnit", HiddenBytesPerTokenPerUnit, "bytes", "llm-d-benchmark: +0.08 GiB peak activation when hidden size doubles at 8192 batched tokens"),
        new("mxfp4IntermediateAlignment", Mxfp4IntermediateAlignment, "elements", "vLLM MXFP4 MoE pads intermediate size; reproduces 13.47/64.38 GiB gpt-oss weights (llm-d-benchmark)"),
    ];
}
