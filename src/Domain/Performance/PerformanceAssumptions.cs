using Sizing.Domain.Deployment;
using Sizing.Domain.Fidelity;

namespace Sizing.Domain.Performance;

/// <summary>The efficiencies and overheads the performance model assumes, per engine, with their sources.</summary>
/// <remarks>
/// The initialisers are priors. Every constant in <see cref="FittedParameters"/> is fitted by benchmarks/Fidelity to the
/// measured sets (tests/Domain.Tests/TestData, docs/calibration.md) within a physical range, never per row: one profile
/// per engine, shared by every model, GPU and shape. <see cref="Default"/> carries those fits (Fidelity/Data/fits.json);
/// an engine no measured row calibrates keeps its prior and reports it as an assumption.
/// </remarks>
public sealed record PerformanceAssumptions
{
    /// <summary>What the service answers with: the priors with every fitted constant at its fit on all measured rows.</summary>
    public static PerformanceAssumptions Default => EstimatorAssumptions.Default.Performance;

    /// <summary>vLLM V1 with CUDA graphs and its custom all-reduce (prior: set by hand to vLLM's published single-stream speed).</summary>
    /// <remarks>Llama-3.1-8B bf16 on H100 ≈ 150 tok/s, ITL ≈ 6.5 ms; the request overhead stands for its OpenAI server
    /// (tokenisation, detokenisation, HTTP).</remarks>
    public EngineProfile Vllm { get; init; } = new(0.78, 0.65, 0.50, 0.75, 1.75, 40, 0.60, 400, 3, 3000);

    /// <summary>SGLang: the same kernel family as vLLM, a lighter scheduler (prior).</summary>
    public EngineProfile Sglang { get; init; } = new(0.78, 0.65, 0.50, 0.75, 1.75, 40, 0.60, 300, 3, 2000);

    /// <summary>TensorRT-LLM: fused kernels, in-flight batching, C++ runtime (prior: the planning profile).</summary>
    public EngineProfile Trtllm { get; init; } = EngineProfile.Planning;

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

    /// <summary>Share of the dense weight-streaming bandwidth that grouped expert GEMMs reach: many small per-expert matrices,
    /// each with a handful of tokens, stream less efficiently than one large GEMM. Prior 1 (no penalty); fitted.</summary>
    public double ExpertBandwidthShare { get; init; } = 1.0;

    /// <summary>Tokens of the most loaded expert over the mean under top-k routing (load imbalance of EP groups).</summary>
    /// <remarks>DeepSeek-V3 report and DeepEP measurements put per-GPU token skew near 1.1–1.3 without EPLB; 1.2 is assumed.</remarks>
    public double ExpertImbalance { get; init; } = 1.2;

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

    /// <summary>The constants one engine's estimates use, each with its basis and source.</summary>
    public IReadOnlyList<Assumption> Describe(Engine engine)
    {
        var p = For(engine);
        Assumption Profile(string field, double value) => FittedParameters.Find(FittedParameters.ProfileKey(engine, field))!.Describe(value);
        return
        [
            Profile("hbmEfficiency", p.HbmEfficiency),
            Profile("computeEfficiency", p.ComputeEfficiency),
            Profile("lowPrecisionComputeEfficiency", p.LowPrecisionComputeEfficiency),
            Profile("kvReadEfficiency", p.KvReadEfficiency),
            Profile("rooflineSharpness", p.RooflineSharpness),
            Profile("gemmHalfSaturationTokens", p.HalfSaturationTokens),
            Profile("attentionEfficiency", p.AttentionEfficiency),
            Profile("stepOverheadUs", p.StepOverheadUs),
            Profile("layerOverheadUs", p.LayerOverheadUs),
            Profile("requestOverheadUs", p.RequestOverheadUs),
            new("activationBytes", ActivationBytes, "bytes", AssumptionBasis.Measured, "activations travel in 16-bit between ranks (vLLM, TensorRT-LLM)"),
            new("communicationOverlap", CommunicationOverlap, "fraction", AssumptionBasis.Assumption, "tensor-parallel all-reduces sit on the critical path in decode (vLLM, TensorRT-LLM)"),
            FittedParameters.Find("performance.pipelineSkew")!.Describe(PipelineSkew),
            FittedParameters.Find("performance.expertBandwidthShare")!.Describe(ExpertBandwidthShare),
            new("expertImbalance", ExpertImbalance, "ratio", AssumptionBasis.Assumption, "busiest expert group over the mean under top-k routing without load balancing: DeepEP and the DeepSeek-V3 report put it at 1.1-1.3"),
        ];
    }
}
