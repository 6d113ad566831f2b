using System.Collections.Frozen;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Units;
using static Sizing.Domain.InvariantText;

namespace Sizing.Domain.Memory;

/// <summary>What the engine's profile run allocates besides the forward pass: the sampler warm-up's buffers per (sequence × vocabulary entry).</summary>
public enum SamplerWarmup
{
    /// <summary>The profile run skips the sampler (vLLM V1 before 0.8.0, TensorRT-LLM, which reserves no logits in its budget).</summary>
    None,

    /// <summary>fp32 logits, an out-of-place temperature copy, a full-vocabulary sort (values and int64 indices), the scattered
    /// result, probabilities and exponential noise: about 38 bytes per entry (vLLM V0, V1 0.8–0.10).</summary>
    FullSort,

    /// <summary>fp32 logits, probabilities and noise without the sort copies: about 15 bytes per entry (vLLM 0.11 and later).</summary>
    Light,
}

/// <summary>How the engine states its KV capacity in tokens ("GPU KV cache size: N tokens").</summary>
public enum CapacityReport
{
    /// <summary>num_blocks × block_size (vLLM V0 "# GPU blocks", V1 before the hybrid allocator, SGLang, TensorRT-LLM).</summary>
    Blocks,

    /// <summary>num_blocks // number of KV cache groups × block_size (vLLM 0.10–0.19).</summary>
    BlocksPerGroup,

    /// <summary>int(max concurrency × max_model_len) (vLLM after 0.19).</summary>
    ConcurrencyTimesLength,
}

/// <summary>The scheduler limits an engine picks when the caller names none.</summary>
/// <param name="MaxNumBatchedTokens">Tokens one forward pass may hold (vLLM max_num_batched_tokens, SGLang chunked_prefill_size).</param>
/// <param name="MaxNumSeqs">Sequences one step may hold (vLLM max_num_seqs, TensorRT-LLM max_batch_size).</param>
/// <param name="ChunkedPrefill">Whether long prompts are split; without it a whole prompt is one pass.</param>
public sealed record SchedulerDefaults(int MaxNumBatchedTokens, int MaxNumSeqs, bool ChunkedPrefill);

/// <summary>
/// What one engine release does that changes memory figures: its scheduler defaults, what its profile run allocates, how its
/// KV allocator groups layers, how it reports capacity and its default budget. One place for every version boundary.
/// </summary>
/// <remarks>
/// vLLM boundaries and where they come from:
/// V1 is the default from 0.8.0 (vllm/envs.py VLLM_USE_V1) and V0 is gone in 0.11; the V1 profile run warms the sampler up from
/// 0.8.0 (vllm#13594, top_k = vocab − 1 and top_p = 0.9 so the whole vocabulary is sorted, gpu_model_runner._dummy_sampler_run);
/// GPUs of at least 70 GiB other than A100 get 8192 batched tokens and 1024 sequences from 0.9.0 (vllm#17885,
/// engine/arg_utils.py get_batch_defaults); the hybrid allocator groups sliding-window layers from 0.10.0
/// (v1/core/kv_cache_utils.py _get_kv_cache_groups_uniform_page_size, e.g. @bbf906a88ba1); the sampler warm-up costs
/// ~15 instead of ~38 bytes per entry from 0.11.0 (measured: vLLM 0.10.2 tim-roethig/ai-platform logs 1.4 GiB at 256 × 151,936,
/// 0.11.0 llm-d Mistral-Small 2.12 GiB and 0.19.0 llm-d-planner logs at 1024 sequences); torch symmetric-memory all-reduce is on by
/// default from 0.11.0 (vllm#24111); MoE kernels keep their workspace in the persistent workspace manager from 0.12.0 (vllm#27532),
/// so it is still held while the sampler warms up (single-GPU non-torch memory also rises from 0.14 GiB at 0.11.0 to 0.25 at 0.19.0;
/// the step is placed at 0.12.0 too, an assumption); chunked-local layers (Llama 4) join the hybrid allocator by default in 0.19.0
/// (VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE printed True in the llm-d-planner 0.19.0 logs; earlier
/// config/vllm.py turned the allocator off for them); "GPU KV cache size" becomes int(max concurrency × max_model_len) after 0.19
/// (kv_cache_utils._report_kv_cache_config on main; 0.10–0.19 print num_blocks // groups × block_size, @001cabc1be16).
/// SGLang's default mem_fraction_static (srt/server_args.py): 0.88/0.87/0.85/0.81/0.79 by TP size up to 0.4.6; then
/// (total − reserved) / total with reserved = (9.5 + TP·PP/2) GiB on 35–90 GiB GPUs and similar buckets; from 0.5.4 reserved =
/// 512 MiB + 1.5 MiB per chunked-prefill token + 2 MiB per CUDA-graph batch + TP·PP/8 GiB, at least 10 GiB above 60 GiB
/// (sglang#10975). The SGLang boundaries are assumptions: the rules were read at commits of mid and late 2025.
/// </remarks>
public sealed record EngineMemoryRules
{
    /// <summary>The newest vLLM release whose behaviour the rules were checked against (llm-d-planner logs).</summary>
    public static EngineVersion NewestVllmChecked { get; } = new(0, 19, 0);

    public required Engine Engine { get; init; }

    /// <summary>The release the rules are for; null = the newest the model knows.</summary>
    public EngineVersion? Version { get; init; }

    /// <summary>vLLM's V0 engine (before 0.8.0): no chunked prefill below 32K context, 256 sequences, blocks reported as "# GPU blocks".</summary>
    public bool VllmV0 { get; init; }

    public SamplerWarmup Sampler { get; init; }

    /// <summary>Sliding-window layers keep only their window (vLLM's hybrid KV cache manager, or pure sliding-window models).</summary>
    public bool WindowedKv { get; init; }

    /// <summary>Chunked-local layers (Llama 4) keep only their chunk; otherwise they are stored as full attention.</summary>
    public bool ChunkedLocalWindowed { get; init; }

    public CapacityReport Report { get; init; }

    /// <summary>vLLM's "Maximum concurrency" divides whole-block requests into the blocks (true) or tokens by the length (false).</summary>
    public bool ConcurrencyInBlocks { get; init; }

    /// <summary>vLLM's default scheduler limits grow to 8192 / 1024 on GPUs of at least 70 GiB other than A100.</summary>
    public bool LargeGpuSchedulerDefaults { get; init; }

    /// <summary>vLLM allocates torch symmetric-memory all-reduce buffers on NVSwitch Hopper/Blackwell nodes.</summary>
    public bool SymmetricMemoryAllReduce { get; init; }

    /// <summary>The MoE kernels' workspace stays allocated through the sampler warm-up (vLLM's persistent workspace manager).</summary>
    public bool PersistentMoeWorkspace { get; init; }

    /// <summary>SGLang's default mem_fraction_static rule: 1 = by TP size, 2 = GPU-memory buckets, 3 = reserved from chunk and graph sizes.</summary>
    public int SglangFractionRule { get; init; }

    /// <summary>The engine and release, as reported with every estimate.</summary>
    public string Label => field ??= Invariant($"{EnumText.Of(Engine)} {(Version is { } v ? v.ToString() : "latest")}");

    /// <summary>The rules of each engine's newest release, built once: most estimates name no release.</summary>
    private static readonly FrozenDictionary<Engine, EngineMemoryRules> Latest =
        Enum.GetValues<Engine>().ToFrozenDictionary(e => e, e => Build(e, null));

    public static EngineMemoryRules For(Engine engine, EngineVersion? version) =>
        version is null && Latest.TryGetValue(engine, out var latest) ? latest : Build(engine, version);

    private static EngineMemoryRules Build(Engine engine, EngineVersion? version) => engine switch
    {
        Engine.Vllm => Vllm(version),
        Engine.Sglang => new EngineMemoryRules
        {
            Engine = engine,
            Version = version,
            SglangFractionRule = version is null || version.IsAtLeast(0, 5, 4) ? 3 : version.IsAtLeast(0, 4, 7) ? 2 : 1,
            Sampler = SamplerWarmup.Light,
        },

        // TensorRT-LLM reserves no logits in its budget; the other engines have no versioned memory rules here.
        Engine.Trtllm => new EngineMemoryRules { Engine = engine, Version = version, Sampler = SamplerWarmup.None },
        _ => new EngineMemoryRules { Engine = engine, Version = version, Sampler = SamplerWarmup.Light },
    };

    private static EngineMemoryRules Vllm(EngineVersion? version)
    {
        bool AtLeast(int major, int minor) => version is null || version.IsAtLeast(major, minor);
        var v1 = AtLeast(0, 8);
        return new EngineMemoryRules
        {
            Engine = Engine.Vllm,
            Version = version,
            VllmV0 = !v1,
            Sampler = AtLeast(0, 11) ? SamplerWarmup.Light : SamplerWarmup.FullSort,
            WindowedKv = AtLeast(0, 10),
            ChunkedLocalWindowed = AtLeast(0, 19),
            Report = version is null || version.CompareTo(NewestVllmChecked) > 0 ? CapacityReport.ConcurrencyTimesLength
                : AtLeast(0, 10) ? CapacityReport.BlocksPerGroup : CapacityReport.Blocks,
            ConcurrencyInBlocks = AtLeast(0, 10),
            LargeGpuSchedulerDefaults = AtLeast(0, 9),
            SymmetricMemoryAllReduce = AtLeast(0, 11),
            PersistentMoeWorkspace = AtLeast(0, 12),
        };
    }

    /// <summary>The scheduler limits this release picks on <paramref name="gpu"/> for a <paramref name="maxModelLength"/>-token context.</summary>
    /// <param name="chunkedPrefill">The caller's choice; null = the engine's default.</param>
    public SchedulerDefaults Scheduler(GpuSpec gpu, int maxModelLength, bool? chunkedPrefill)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var large = gpu.MemoryGiB >= 70 && !gpu.Id.StartsWith("a100", StringComparison.Ordinal);
        var (tokens, seqs, chunked) = Engine switch
        {
            // trtllm-serve: max_num_tokens 8192, max_batch_size 2048.
            Engine.Trtllm => (8192, 2048, true),

            // SGLang: chunked_prefill_size by GPU memory (server_args.py); running requests are bounded by the pool, not a default.
            Engine.Sglang => (SglangChunkedPrefill(gpu), large ? 1024 : 256, true),

            // vLLM V0 (config.py SchedulerConfig): chunked prefill only above 32K context; 2048 tokens, or the whole context without it.
            _ when VllmV0 => (2048, 256, maxModelLength > 32_768),

            // vLLM V1 always chunks; 8192 / 1024 on large GPUs from 0.9.0, else 2048 / 256 (arg_utils.py, OPENAI_API_SERVER).
            _ => LargeGpuSchedulerDefaults && large ? (8192, 1024, true) : (2048, 256, true),
        };
        chunked = chunkedPrefill ?? chunked;
        return new SchedulerDefaults(chunked ? tokens : Math.Max(maxModelLength, tokens), seqs, chunked);
    }

    /// <summary>SGLang's default mem_fraction_static on <paramref name="gpu"/> at these parallel degrees (server_args.py).</summary>
    public double SglangMemFractionStatic(GpuSpec gpu, Parallelism parallelism)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(parallelism);
        var tp = parallelism.Tensor;
        if (SglangFractionRule == 1)
        {
            return tp >= 16 ? 0.79 : tp >= 8 ? 0.81 : tp >= 4 ? 0.85 : tp >= 2 ? 0.87 : 0.88;
        }

        // server_args.py sizes against nvidia-smi's total in MiB; the runtime total is within 1 % of it.
        var gpuMiB = gpu.MemoryGiB * 1024;
        double parallel = tp * parallelism.Pipeline;
        double reservedMiB;
        if (SglangFractionRule == 2)
        {
            reservedMiB = 1024 * (gpu.MemoryGiB < 35 ? 2.8 + (parallel / 10)
                : gpu.MemoryGiB < 90 ? 9.5 + (parallel / 2)
                : gpu.MemoryGiB < 160 ? 12 + (parallel / 2)
                : 32);
        }
        else
        {
            var graphBatch = gpu.MemoryGiB < 20 ? 8 : gpu.MemoryGiB < 35 ? (tp < 4 ? 24 : 80) : gpu.MemoryGiB < 60 ? (tp < 4 ? 32 : 160) : gpu.MemoryGiB < 160 ? (tp < 4 ? 256 : 512) : 512;
            reservedMiB = 512 + (Math.Max(SglangChunkedPrefill(gpu), 2048) * 1.5) + (graphBatch * 2) + (parallel / 8 * 1024);
            if (gpu.MemoryGiB > 60)
            {
                reservedMiB = Math.Max(reservedMiB, 10 * 1024);
            }
        }

        // Far past the layouts server_args.py was written for (hundreds of ranks) the reserve would exceed the GPU; SGLang refuses a
        // fraction that leaves no KV pool, so the rule stops at a tenth of the GPU and the pool comes out empty with its reason.
        return Math.Max(0.1, Math.Round((gpuMiB - reservedMiB) / gpuMiB, 3));
    }

    /// <summary>Memory outside torch's allocator that the engine counts against its budget: allocator and library workspaces, NCCL
    /// communicators, custom all-reduce buffers and (vLLM 0.11+ on NVSwitch Hopper/Blackwell) symmetric-memory all-reduce buffers.</summary>
    public Bytes NonTorch(GpuSpec gpu, Parallelism parallelism, MemoryAssumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(assumptions);
        var baseline = Engine == Engine.Vllm && PersistentMoeWorkspace ? assumptions.NonTorchBaseRecent : assumptions.NonTorchBase;
        return baseline + CommunicationBuffers(gpu, parallelism, assumptions);
    }

    /// <summary>The part of <see cref="NonTorch"/> that exists only because the replica spans GPUs; resident before weights load.</summary>
    public Bytes CommunicationBuffers(GpuSpec gpu, Parallelism parallelism, MemoryAssumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(parallelism);
        ArgumentNullException.ThrowIfNull(assumptions);
        if (parallelism.GpusPerReplica == 1)
        {
            return Bytes.Zero;
        }

        var buffers = assumptions.NcclCommunicator;
        if (parallelism.Tensor > 1)
        {
            // vLLM's custom all-reduce needs peer access: NVLink, xGMI, or PCIe with at most two GPUs (custom_all_reduce.py).
            var intra = gpu.Node.IntraNode;
            if (intra != IntraNodeLink.Pcie || parallelism.Tensor <= 2)
            {
                buffers += assumptions.CustomAllReduceBuffers;
            }

            var nvSwitchGeneration = intra == IntraNodeLink.NvSwitch && gpu.Architecture is "hopper" or "blackwell";
            if (SymmetricMemoryAllReduce && nvSwitchGeneration)
            {
                buffers += assumptions.SymmetricMemoryAllReduceBuffers;
            }
        }

        return buffers;
    }

    /// <summary>Sampler warm-up bytes per (sequence × vocabulary entry) for this release.</summary>
    public double SamplerBytesPerEntry(MemoryAssumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(assumptions);
        return Sampler switch
        {
            SamplerWarmup.FullSort => assumptions.SamplerBytesPerSequencePerVocab,
            SamplerWarmup.Light => assumptions.LightSamplerBytesPerSequencePerVocab,
            _ => 0,
        };
    }

    private int SglangChunkedPrefill(GpuSpec gpu) => SglangFractionRule switch
    {
        1 => gpu.MemoryGiB < 25 ? 2048 : 8192,
        2 => gpu.MemoryGiB < 35 ? 2048 : gpu.MemoryGiB < 160 ? 8192 : 16384,
        _ => gpu.MemoryGiB < 35 ? 2048 : gpu.MemoryGiB < 60 ? 4096 : gpu.MemoryGiB < 160 ? 8192 : 16384,
    };

}
