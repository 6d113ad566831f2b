using System.Runtime.CompilerServices;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Performance;
using Sizing.Domain.Units;

namespace Sizing.Domain.Memory;

/// <summary>The overheads the memory model assumes.</summary>
/// <remarks>
/// vLLM sizes its KV pool as <c>total × gpu_memory_utilization − (weights + peak activation + non-torch memory)</c>
/// (vllm/v1/worker/gpu_worker.py, docs/formulas.md §1.3); the CUDA context and CUDA-graph pools sit outside that budget.
/// Which constant applies to which engine release is decided in <see cref="EngineMemoryRules"/>. The initialisers of the
/// constants in <see cref="FittedParameters"/> (group <c>memory.vllm</c>) are priors: they are fitted to the vLLM start-up
/// lines of the measured sets (llm-d-benchmark, H100, vLLM V1 before 0.11; the llm-d-planner vLLM 0.19.0 logs;
/// vllm-project/vllm#10517, RTX 3090, V0; and the other logs in tests/Domain.Tests/TestData/cases-memory.csv), and
/// <see cref="Default"/> carries those fits.
/// </remarks>
public sealed record MemoryAssumptions
{
    /// <summary>What the service answers with: the priors with every fitted constant at its fit on all measured rows.</summary>
    public static MemoryAssumptions Default => EstimatorAssumptions.Default.Memory;

    /// <summary>Non-torch memory on a single-GPU replica (allocator and library workspaces), vLLM before 0.11 and other engines.</summary>
    /// <remarks>Prior 0.25 GiB; fitted (llm-d logs read 0.13–0.14 GiB "non-torch memory" for every TP 1 run on H100).</remarks>
    public Bytes NonTorchBase { get; init; } = Bytes.FromGiB(0.25);

    /// <summary>Non-torch memory on a single-GPU replica for vLLM 0.12 and later.</summary>
    /// <remarks>Prior 0.25 GiB (as <see cref="NonTorchBase"/>); fitted (llm-d-planner vLLM 0.19.0 logs, TP 1 on H100: 'non-torch
    /// forward increase memory' 0.24–0.27 GiB over six models; llm-d's vLLM 0.11.0 run still logs 0.14, so the step lies
    /// between; 0.12.0 is assumed).</remarks>
    public Bytes NonTorchBaseRecent { get; init; } = Bytes.FromGiB(0.25);

    /// <summary>An NCCL communicator's buffers, once the replica spans GPUs.</summary>
    /// <remarks>Prior 0.1 GiB [A]; fitted (vLLM 0.10.2 at TP 8 over PCIe L40S, custom all-reduce off, logs 0.21 GiB non-torch
    /// against 0.13 at TP 1: tim-roethig/ai-platform qwen3_235b_on_8xl40s.md).</remarks>
    public Bytes NcclCommunicator { get; init; } = Bytes.FromGiB(0.1);

    /// <summary>vLLM's custom all-reduce IPC buffers, where peer access allows it (NVLink, or PCIe with two GPUs).</summary>
    /// <remarks>Prior 0.4 GiB [A] (with the NCCL communicator's 0.1, the 0.5 GiB multi-GPU prior); fitted (llm-d logs: non-torch
    /// 0.54–0.55 GiB at TP 2 against 0.13–0.14 at TP 1 on H100).</remarks>
    public Bytes CustomAllReduceBuffers { get; init; } = Bytes.FromGiB(0.4);

    /// <summary>vLLM 0.11+'s torch symmetric-memory all-reduce buffers on NVSwitch Hopper and Blackwell nodes (vllm#24111).</summary>
    /// <remarks>Prior 1 GiB [A]; fitted (llm-d-planner vLLM 0.19.0 logs on H100: non-torch 2.06–2.21 GiB at TP 2 and 4 over five
    /// models, less the single-GPU, NCCL and custom all-reduce shares).</remarks>
    public Bytes SymmetricMemoryAllReduceBuffers { get; init; } = Bytes.FromGiB(1.0);

    /// <summary>CUDA context and driver allocations present before the engine starts, outside its budget.</summary>
    /// <remarks>llm-d log: "Free memory on device (78.59/79.19 GiB) on startup" — 0.6 GiB in use before loading.</remarks>
    public Bytes CudaContext { get; init; } = Bytes.FromGiB(0.6);

    /// <summary>CUDA-graph pool captured after the KV cache is allocated, outside the engine's budget.</summary>
    /// <remarks>llm-d logs: "CUDAGraph memory 0.39 GiB" (gpt-oss-20b) and 1.03 GiB (gpt-oss-120b); the midpoint is assumed.</remarks>
    public Bytes CudaGraphs { get; init; } = Bytes.FromGiB(0.7);

    /// <summary>Bytes the full-sort sampler warm-up (vLLM V0, V1 0.8–0.10) allocates per (sequence × vocabulary entry): fp32
    /// logits, a temperature copy, the sorted values and int64 indices, the scattered result, probabilities and noise.</summary>
    /// <remarks>
    /// Prior 24 B [A] (fp32 logits and probabilities plus sort buffers); fitted. llm-d's vLLM V1 "peak activation" on H100
    /// (max_num_seqs 1024) grows linearly in the vocabulary: 4.76 GiB (128,256), 5.56 (151,936), 7.38 (201,088).
    /// </remarks>
    public double SamplerBytesPerSequencePerVocab { get; init; } = 24;

    /// <summary>Bytes the lighter sampler warm-up of vLLM 0.11 and later allocates per (sequence × vocabulary entry).</summary>
    /// <remarks>
    /// Prior 12 B [A] (fp32 logits, probabilities and noise, no sort); fitted (the llm-d-planner vLLM 0.19.0 "torch peak memory
    /// increase" of seven dense models at max_num_seqs 1024: 1.89 GiB Llama-3.1-8B, 2.21 Qwen2.5-7B, 1.96 Llama-3.3-70B, 2.29
    /// Qwen2.5-72B, 3.66 Gemma-2-27B, 3.99 Gemma-3-27B, 2.87 gpt-oss-20b; llm-d's vLLM 0.11.0 Mistral-Small-3.2 row, 2.12 GiB).
    /// </remarks>
    public double LightSamplerBytesPerSequencePerVocab { get; init; } = 12;

    /// <summary>Bytes of hidden-state buffers per (batched token × hidden unit) kept alive during the sampler warm-up.</summary>
    /// <remarks>Prior 2 B (one 16-bit buffer); fitted (llm-d: peak activation grows 0.08 GiB when hidden size doubles at 8192 batched tokens).</remarks>
    public double HiddenBytesPerTokenPerUnit { get; init; } = 2;

    /// <summary>Tokens vLLM's fused MoE kernels process per chunk; their intermediates and workspaces scale with at most this many.</summary>
    /// <remarks>vllm/envs.py VLLM_FUSED_MOE_CHUNK_SIZE default 16 × 1024.</remarks>
    public int FusedMoeChunkTokens { get; init; } = 16_384;

    /// <summary>vLLM pads each MXFP4 expert's intermediate dimension to a multiple of this.</summary>
    /// <remarks>Prior 64 (vLLM mxfp4.py on CUDA; 256 under its FlashInfer MXFP4 and Hopper kernels); fitted among 64/128/256 to the
    /// gpt-oss weights rows (llm-d: 13.47 GiB for gpt-oss-20b, 64.38 GiB for gpt-oss-120b: 2880 → 3072 asks for 256).</remarks>
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
        Fitted("memory.nonTorchBaseRecentGiB", Math.Round(NonTorchBaseRecent.GiB, 4)),
        Fitted("memory.ncclCommunicatorGiB", Math.Round(NcclCommunicator.GiB, 4)),
        Fitted("memory.customAllReduceBuffersGiB", Math.Round(CustomAllReduceBuffers.GiB, 4)),
        Fitted("memory.symmetricMemoryAllReduceBuffersGiB", Math.Round(SymmetricMemoryAllReduceBuffers.GiB, 4)),
        new("cudaContextGiB", Math.Round(CudaContext.GiB, 4), "GiB", AssumptionBasis.Measured, "llm-d-benchmark: 'Free memory on device (78.59/79.19 GiB) on startup'"),
        new("cudaGraphsGiB", Math.Round(CudaGraphs.GiB, 4), "GiB", AssumptionBasis.Assumption, "midpoint of llm-d-benchmark's CUDAGraph memory 0.39 GiB (gpt-oss-20b) and 1.03 GiB (gpt-oss-120b)"),
        Fitted("memory.samplerBytesPerSequencePerVocab", SamplerBytesPerSequencePerVocab),
        Fitted("memory.lightSamplerBytesPerSequencePerVocab", LightSamplerBytesPerSequencePerVocab),
        new("fusedMoeChunkTokens", FusedMoeChunkTokens, "tokens", AssumptionBasis.Measured, "vllm/envs.py VLLM_FUSED_MOE_CHUNK_SIZE default"),
        Fitted("memory.hiddenBytesPerTokenPerUnit", HiddenBytesPerTokenPerUnit),
        Fitted("memory.mxfp4IntermediateAlignment", Mxfp4IntermediateAlignment),
        new("sglangDefaultMemFractionStatic", SglangDefaultMemFractionStatic, "fraction", AssumptionBasis.Assumption, "middle of the 0.79-0.88 sglang server_args.py picks by TP size and GPU memory"),
        new("lmdeployDefaultCacheFraction", LmdeployDefaultCacheFraction, "fraction", AssumptionBasis.Measured, "LMDeploy TurbomindEngineConfig cache_max_entry_count default 0.8"),
    ];

    private static Assumption Fitted(string key, double value) => FittedParameters.Find(key)!.Describe(value);
}
