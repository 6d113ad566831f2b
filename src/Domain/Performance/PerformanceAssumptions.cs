using System.Runtime.CompilerServices;
using Sizing.Domain.Deployment;
using Sizing.Domain.Fidelity;

namespace Sizing.Domain.Performance;

/// <summary>The engine costs and the few kernel constants the performance model assumes, each with what it is: a measured fact,
/// a fit (rows and sources), or an assumption.</summary>
/// <remarks>
/// Bandwidth, GEMM throughput and per-GEMM latency are per-GPU catalog facts (<see cref="Catalog.GpuAchievable"/>); what is
/// here belongs to the engine (scheduler, small kernels, API server) or to a kernel family on every GPU. The initialisers are
/// priors: every constant in <see cref="FittedParameters"/> is fitted by benchmarks/Fidelity to the measured sets
/// (tests/Domain.Tests/TestData, docs/calibration.md) within a physical range, never per row, and cross-validated source by
/// source. <see cref="Default"/> carries those fits (Fidelity/Data/fits.json).
/// </remarks>
public sealed record PerformanceAssumptions
{
    /// <summary>What the service answers with: the priors with every fitted constant at its fit on all measured rows.</summary>
    public static PerformanceAssumptions Default => EstimatorAssumptions.Default.Performance;

    /// <summary>vLLM V1: CUDA graphs for decode, piecewise graphs for mixed steps, an OpenAI API server in front.</summary>
    /// <remarks>Priors, not fits: no value of the per-sequence cost or the request overhead is chosen consistently when one
    /// publisher group is left out (docs/physics.md), so the registry does not fit them. Per sequence: the V1 engine core
    /// schedules, prepares inputs and updates outputs (a profile of V1's scheduler: ~13 µs per running request,
    /// openfabric-systems/simllm#204) while detokenising and streaming run in the API server process (vLLM V1 blog,
    /// 2025-01-27); V0 did all of it in the step loop (<see cref="VllmV0SequenceStepUs"/>). From vLLM 0.12 on, host work
    /// overlaps the GPU's (<see cref="StepModel.OverlapsHostWork"/>).</remarks>
    public EngineProfile Vllm { get; init; } = ServingPrior;

    /// <summary>SGLang: the same kernel families as vLLM, its own scheduler and API server (vLLM V1's priors: the sources do not
    /// tell the two apart).</summary>
    public EngineProfile Sglang { get; init; } = ServingPrior;

    /// <summary>vLLM's and SGLang's host costs: 300 µs per step, 20 µs per sequence, 6 µs per layer, 20 ms per request.</summary>
    internal static EngineProfile ServingPrior { get; } = new(StepOverheadUs: 300, SequenceStepUs: 20, LayerFloorUs: 6, RequestOverheadUs: 20_000, ReservesWholeSequence: false);

    /// <summary>Where <see cref="ServingPrior"/> comes from, as its assumptions report it.</summary>
    internal const string ServingPriorSource = "prior the held-out publisher groups do not identify (docs/physics.md): V1's scheduler ~13 µs per running request (openfabric-systems/simllm#204), 20 ms per request for the API server";

    /// <summary>vLLM's V0 engine (before 0.8) per sequence per step: scheduling, input preparation, sampling and output processing
    /// in one synchronous loop (µs).</summary>
    /// <remarks>Measured: "when BS is 200, all this together [sampling, prepare input, process_model_output, scheduler] can be
    /// 20 ms" (vllm-project/vllm#6801, V0 0.5): 100 µs per sequence.</remarks>
    public double VllmV0SequenceStepUs { get; init; } = 100;

    /// <summary>TensorRT-LLM: fused kernels, a C++ in-flight batching runtime, GUARANTEED_NO_EVICT admission (prior: the planning
    /// profile, reserving whole sequences).</summary>
    public EngineProfile Trtllm { get; init; } = EngineProfile.Planning with { ReservesWholeSequence = true };

    /// <summary>LMDeploy TurboMind (prior: the planning profile).</summary>
    public EngineProfile Lmdeploy { get; init; } = EngineProfile.Planning;

    /// <summary>A plain PyTorch server (gpt-fast, HF): torch.compile kernels, NCCL all-reduce (prior: the planning profile).</summary>
    public EngineProfile Generic { get; init; } = EngineProfile.Planning;

    /// <summary>Activation bytes per element moved between TP ranks and pipeline stages (16-bit even when weights are quantized).</summary>
    public double ActivationBytes { get; init; } = 2;

    /// <summary>Fraction of the tensor-parallel all-reduce time hidden behind compute (0 = fully exposed, as in vLLM decode).</summary>
    public double CommunicationOverlap { get; init; }

    /// <summary>Extra cycle time per additional micro-batch in flight under pipeline parallelism: micro-batches carry unequal
    /// prompt chunks, so every stage waits for the slowest one. Cycle = p·T_stage·(1 + skew·(m − 1)). Prior 0.02; fitted.</summary>
    public double PipelineSkew { get; init; } = 0.02;

    /// <summary>Share of the GPU's weight-streaming bandwidth that grouped expert GEMMs reach: many small per-expert matrices,
    /// each with a handful of tokens, stream less efficiently than one large GEMM.</summary>
    /// <remarks>Measured: torch._grouped_mm over 32-128 touched experts streams 2.9-3.3 TB/s on H200, 71-81 % of the 4.1 TB/s a
    /// dense GEMM reaches (benchmarks/GpuProbe/h200-2026-11-30-decode-costs.csv, grouped rows, DeepSeek-V3, Qwen3-235B and
    /// gpt-oss expert shapes; not a scored row).</remarks>
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
    /// <remarks>Prior 1 (the probe's isolated GEMM throughput holds); fitted to the serving rows (docs/physics.md,
    /// docs/calibration.md).</remarks>
    public double SustainedComputeShare { get; init; } = 1.0;

    public EngineProfile For(Engine engine) => engine switch
    {
        Engine.Vllm => Vllm,
        Engine.Sglang => Sglang,
        Engine.Trtllm => Trtllm,
        Engine.Lmdeploy => Lmdeploy,
        _ => Generic,
    };

    /// <summary>A copy with <paramref name="engine"/>'s profile replaced.</summary>
    public PerformanceAssumptions With(Engine engine, EngineProfile profile) => engine switch
    {
        Engine.Vllm => this with { Vllm = profile },
        Engine.Sglang => this with { Sglang = profile },
        Engine.Trtllm => this with { Trtllm = profile },
        Engine.Lmdeploy => this with { Lmdeploy = profile },
        _ => this with { Generic = profile },
    };

    /// <summary>The constants one engine's estimates use, each with its basis and source; built once per instance and engine
    /// (a search reports them with every plan).</summary>
    public IReadOnlyList<Assumption> Describe(Engine engine) =>
        Described.GetValue(this, static _ => new System.Collections.Concurrent.ConcurrentDictionary<Engine, IReadOnlyList<Assumption>>())
            .GetOrAdd(engine, static (e, a) => a.Build(e), this);

    private static readonly ConditionalWeakTable<PerformanceAssumptions, System.Collections.Concurrent.ConcurrentDictionary<Engine, IReadOnlyList<Assumption>>> Described = [];

    private IReadOnlyList<Assumption> Build(Engine engine)
    {
        var p = For(engine);

        // A profile field the registry fits for this engine reports its fit; the others are the planning priors.
        Assumption Profile(string field, double value, string unit, string meaning) =>
            FittedParameters.Find(FittedParameters.ProfileKey(engine, field)) is { } fitted
                ? fitted.Describe(value)
                : new(field, value, unit, AssumptionBasis.Assumption, "assumption: " + (engine is Engine.Vllm or Engine.Sglang ? ServingPriorSource : EngineProfile.PlanningSource) + "; " + meaning);
        return
        [
            Profile("stepOverheadUs", p.StepOverheadUs, "us", EngineProfile.StepOverheadMeaning),
            Profile("sequenceStepUs", p.SequenceStepUs, "us", EngineProfile.SequenceStepMeaning + (engine == Engine.Vllm ? "; vLLM before 0.8 (V0): vllmV0SequenceStepUs" : "")),
            Profile("layerFloorUs", p.LayerFloorUs, "us", EngineProfile.LayerFloorMeaning),
            Profile("requestOverheadUs", p.RequestOverheadUs, "us", EngineProfile.RequestOverheadMeaning),
            new("reservesWholeSequence", p.ReservesWholeSequence ? 1 : 0, "flag", AssumptionBasis.Measured, "engine code: 1 = KV for prompt + output reserved up front (TensorRT-LLM GUARANTEED_NO_EVICT), 0 = blocks allocated as tokens arrive (vLLM, SGLang)"),
            new("activationBytes", ActivationBytes, "bytes", AssumptionBasis.Measured, "activations travel in 16-bit between ranks (vLLM, TensorRT-LLM)"),
            new("communicationOverlap", CommunicationOverlap, "fraction", AssumptionBasis.Assumption, "tensor-parallel all-reduces sit on the critical path in decode (vLLM, TensorRT-LLM)"),
            FittedParameters.Find(FittedParameters.PipelineSkewKey)!.Describe(PipelineSkew),
            new("expertBandwidthShare", ExpertBandwidthShare, "fraction of the GPU's streaming bandwidth", AssumptionBasis.Measured, "grouped expert GEMMs stream 2.9-3.3 of the 4.1 TB/s dense GEMMs reach on H200 (benchmarks/GpuProbe)"),
            new("attentionShare", AttentionShare, "fraction of bf16 GEMM throughput", AssumptionBasis.Measured, "causal prefill attention 572 vs GEMM 700 TFLOP/s on H200 (benchmarks/GpuProbe)"),
            new("rooflineSharpness", RooflineSharpness, "exponent", AssumptionBasis.Measured, "q = 4 fits the H200 probe's GEMM-vs-M curves (benchmarks/GpuProbe)"),
            new("moeLayerFloorUs", MoeLayerFloorUs, "us", AssumptionBasis.Assumption, "routing and permutation kernels per MoE layer (topk, align, sum), ~4 small kernels under CUDA graphs"),
            new("tileRows", TileRows, "rows", AssumptionBasis.Assumption, "tile height of grouped expert GEMMs at decode (fused_moe BLOCK_SIZE_M = 16)"),
            FittedParameters.Find(FittedParameters.SustainedComputeShareKey)!.Describe(SustainedComputeShare),
            .. engine == Engine.Vllm
                ? [new Assumption("vllmV0SequenceStepUs", VllmV0SequenceStepUs, "us", AssumptionBasis.Measured, "vllm-project/vllm#6801: sampling, input preparation, output processing and scheduling take 20 ms at batch 200 in V0's synchronous loop")]
                : Array.Empty<Assumption>(),
        ];
    }
}
