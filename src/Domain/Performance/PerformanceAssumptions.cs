using Sizing.Domain.Deployment;

namespace Sizing.Domain.Performance;

/// <summary>The engine costs and the few kernel constants the performance model assumes, each with what it is: a measured fact,
/// a fit (rows and sources), or an assumption.</summary>
/// <remarks>
/// Bandwidth, GEMM throughput and per-GEMM latency are per-GPU catalog facts (<see cref="Catalog.GpuAchievable"/>); what is
/// here belongs to the engine (scheduler, small kernels, API server) or to a kernel family on every GPU.
/// </remarks>
public sealed record PerformanceAssumptions
{
    public static PerformanceAssumptions Default { get; } = new();

    /// <summary>vLLM V1: CUDA graphs for decode, piecewise graphs for mixed steps, an OpenAI API server in front.</summary>
    /// <remarks>Priors, not fits: no value of the per-sequence cost or the request overhead is chosen consistently when one
    /// publisher group is left out (docs/physics.md). Per sequence: the V1 engine core schedules, prepares inputs and updates
    /// outputs (a profile of V1's scheduler: ~13 µs per running request, openfabric-systems/simllm#204) while detokenising and
    /// streaming run in the API server process (vLLM V1 blog, 2025-01-27); V0 did all of it in the step loop
    /// (<see cref="VllmV0SequenceStepUs"/>). From vLLM 0.12 on, host work overlaps the GPU's (<see cref="StepModel.OverlapsHostWork"/>).</remarks>
    public EngineProfile Vllm { get; init; } = new(StepOverheadUs: 300, SequenceStepUs: 20, LayerFloorUs: 6, RequestOverheadUs: 20_000, ReservesWholeSequence: false);

    /// <summary>SGLang: the same kernel families as vLLM, its own scheduler and API server (vLLM V1's priors: the sources do not
    /// tell the two apart).</summary>
    public EngineProfile Sglang { get; init; } = new(StepOverheadUs: 300, SequenceStepUs: 20, LayerFloorUs: 6, RequestOverheadUs: 20_000, ReservesWholeSequence: false);

    /// <summary>vLLM's V0 engine (before 0.8) per sequence per step: scheduling, input preparation, sampling and output processing
    /// in one synchronous loop (µs).</summary>
    /// <remarks>Measured: "when BS is 200, all this together [sampling, prepare input, process_model_output, scheduler] can be
    /// 20 ms" (vllm-project/vllm#6801, V0 0.5): 100 µs per sequence.</remarks>
    public double VllmV0SequenceStepUs { get; init; } = 100;

    /// <summary>TensorRT-LLM: fused kernels, a C++ in-flight batching runtime, GUARANTEED_NO_EVICT admission.</summary>
    /// <remarks>Fitted to the public TensorRT-LLM rows (perf-overview, performance.md, H200 launch and Falcon-180B blogs).</remarks>
    public EngineProfile Trtllm { get; init; } = new(StepOverheadUs: 1000, SequenceStepUs: 0.5, LayerFloorUs: 13.5, RequestOverheadUs: 2_800, ReservesWholeSequence: true);

    /// <summary>LMDeploy TurboMind (one public source: assumptions, not fits).</summary>
    public EngineProfile Lmdeploy { get; init; } = new(StepOverheadUs: 100, SequenceStepUs: 0, LayerFloorUs: 4, RequestOverheadUs: 9_000, ReservesWholeSequence: false);

    /// <summary>A plain PyTorch server (gpt-fast, HF): torch.compile kernels, NCCL all-reduce (assumptions).</summary>
    public EngineProfile Generic { get; init; } = new(StepOverheadUs: 300, SequenceStepUs: 0, LayerFloorUs: 8, RequestOverheadUs: 1_000, ReservesWholeSequence: false);

    /// <summary>Activation bytes per element moved between TP ranks and pipeline stages (16-bit even when weights are quantized).</summary>
    public double ActivationBytes { get; init; } = 2;

    /// <summary>Fraction of the tensor-parallel all-reduce time hidden behind compute (0 = fully exposed, as in vLLM decode).</summary>
    public double CommunicationOverlap { get; init; }

    /// <summary>Extra cycle time per additional micro-batch in flight under pipeline parallelism: micro-batches carry unequal
    /// prompt chunks, so every stage waits for the slowest one. Cycle = p·T_stage·(1 + skew·(m − 1)).</summary>
    /// <remarks>Fitted to TensorRT-LLM's PP 1/2/4/8 throughput on RTX PRO 6000 (perf-overview): scaling 1.89×, 2.95×, 3.64× where
    /// stages alone would give ~1.96×, 3.5×, 5.4×.</remarks>
    public double PipelineSkew { get; init; } = 0.04;

    /// <summary>Share of the GPU's weight-streaming bandwidth that grouped expert GEMMs reach: many small per-expert matrices,
    /// each with a handful of tokens, stream less efficiently than one large GEMM.</summary>
    /// <remarks>Measured: torch._grouped_mm over 32-128 touched experts streams 2.9-3.3 TB/s on H200, 71-81 % of the 4.1 TB/s a
    /// dense GEMM reaches (benchmarks/GpuProbe/h200-2026-11-30-decode-costs.csv, grouped rows, DeepSeek-V3, Qwen3-235B and
    /// gpt-oss expert shapes).</remarks>
    public double ExpertBandwidthShare { get; init; } = 0.78;

    /// <summary>Small kernels each MoE layer adds besides its GEMMs: top-k routing, token permutation into expert order and
    /// back, per step (µs).</summary>
    /// <remarks>Assumption: vLLM's fused_moe runs topk_softmax (grouped_topk for DeepSeek), moe_align_block_size and a
    /// weighted sum of the experts' outputs, about four kernels of 3-5 µs each under CUDA graphs.</remarks>
    public double MoeLayerFloorUs { get; init; } = 15;

    /// <summary>Share of the GPU's large-M bf16 GEMM throughput that causal prefill attention reaches.</summary>
    /// <remarks>Measured: 572 TFLOP/s at 16k tokens against 700 for bf16 GEMMs on the H200 probe (benchmarks/GpuProbe); shorter
    /// prompts fall below it through the per-kernel latency.</remarks>
    public double AttentionShare { get; init; } = 0.8;

    /// <summary>Exponent q of the smooth roofline (t_mem^q + t_compute^q)^(1/q) of one GEMM.</summary>
    /// <remarks>Measured: q = 4 with t_mem = bytes/bandwidth + per-GEMM latency fits the H200 probe's GEMM-vs-M curves (M = 1 to
    /// 16,384) within a few per cent (benchmarks/GpuProbe/README.md).</remarks>
    public double RooflineSharpness { get; init; } = 4;

    /// <summary>Rows of one tensor-core tile: an expert that receives fewer tokens still pays for a whole tile of math.</summary>
    /// <remarks>vLLM's and SGLang's fused_moe Triton configs use BLOCK_SIZE_M = 16 for decode-sized batches (the mma.sync m16 tile).</remarks>
    public double TileRows { get; init; } = 16;

    /// <summary>Share of the isolated large-M GEMM throughput a whole forward pass sustains: clocks drop under sustained load,
    /// and norms, activations, quantisation and rotary kernels scale with the tokens as the GEMMs do.</summary>
    /// <remarks>Fit: 0.75 balances the public rows (best at 0.8, TensorRT-LLM, LMDeploy and gpt-fast prefill and offline
    /// throughput) against the held-out ones (best at 0.6); at 1.0 both are worse (docs/physics.md).</remarks>
    public double SustainedComputeShare { get; init; } = 0.75;

    public EngineProfile For(Engine engine) => engine switch
    {
        Engine.Vllm => Vllm,
        Engine.Sglang => Sglang,
        Engine.Trtllm => Trtllm,
        Engine.Lmdeploy => Lmdeploy,
        _ => Generic,
    };

    /// <summary>The constants one engine's estimates use, with their sources.</summary>
    public IReadOnlyList<Assumption> Describe(Engine engine)
    {
        var p = For(engine);
        var fitted = engine switch
        {
            Engine.Vllm or Engine.Sglang => "assumption: a prior the held-out publisher groups do not identify (docs/physics.md)",
            Engine.Trtllm => "fit: the public TensorRT-LLM rows (four documents)",
            _ => "assumption: no more than one source measures this engine",
        };
        return
        [
            new("stepOverheadUs", p.StepOverheadUs, "us", (engine == Engine.Trtllm ? fitted : "assumption") + "; scheduler, input preparation, sampler and launches per engine step"),
            new("sequenceStepUs", p.SequenceStepUs, "us", fitted + "; per sequence sampled in a step: the engine loop's scheduling, input preparation and output update (vLLM before 0.8: VllmV0SequenceStepUs)"),
            new("layerFloorUs", p.LayerFloorUs, "us", (engine == Engine.Trtllm ? fitted : "assumption") + "; norms, rotary, KV write, activation per layer; a graph-replayed small kernel costs ~1 µs on H200 (benchmarks/GpuProbe)"),
            new("requestOverheadUs", p.RequestOverheadUs, "us", fitted + "; API server parsing, tokenisation, admission and first-token streaming, once per request"),
            new("reservesWholeSequence", p.ReservesWholeSequence ? 1 : 0, "flag", "measured (engine code): 1 = KV for prompt + output reserved up front (TensorRT-LLM GUARANTEED_NO_EVICT), 0 = blocks allocated as tokens arrive (vLLM, SGLang)"),
            new("activationBytes", ActivationBytes, "bytes", "activations travel in 16-bit between ranks (vLLM, TensorRT-LLM)"),
            new("communicationOverlap", CommunicationOverlap, "fraction", "tensor-parallel all-reduces sit on the critical path in decode (vLLM, TensorRT-LLM)"),
            new("pipelineSkew", PipelineSkew, "fraction per micro-batch", "assumption (one source): TensorRT-LLM PP 1-8 throughput on RTX PRO 6000 (perf-overview) shows unequal micro-batches make stages wait"),
            new("expertBandwidthShare", ExpertBandwidthShare, "fraction of the GPU's streaming bandwidth", "measured: grouped expert GEMMs stream 2.9-3.3 of the 4.1 TB/s dense GEMMs reach on H200 (benchmarks/GpuProbe)"),
            new("attentionShare", AttentionShare, "fraction of bf16 GEMM throughput", "measured: causal prefill attention 572 vs GEMM 700 TFLOP/s on H200 (benchmarks/GpuProbe)"),
            new("rooflineSharpness", RooflineSharpness, "exponent", "measured: q = 4 fits the H200 probe's GEMM-vs-M curves (benchmarks/GpuProbe)"),
            new("moeLayerFloorUs", MoeLayerFloorUs, "us", "assumption: routing and permutation kernels per MoE layer (topk, align, sum), ~4 small kernels under CUDA graphs"),
            new("tileRows", TileRows, "rows", "assumption: tile height of grouped expert GEMMs at decode (fused_moe BLOCK_SIZE_M = 16)"),
            new("sustainedComputeShare", SustainedComputeShare, "fraction of the GPU's GEMM throughput", "fit: public and held-out prefill and throughput rows (docs/physics.md)"),
        ];
    }

}
