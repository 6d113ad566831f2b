using Sizing.Domain.Deployment;

namespace Sizing.Domain.Performance;

/// <summary>The efficiencies and overheads the performance model assumes, per engine, with their sources.</summary>
/// <remarks>
/// Every value is calibrated against the public measured set (shared/calibration/cases-public.csv) through the fidelity
/// benchmark (benchmarks/Fidelity), never per row: one profile per engine, shared by every model, GPU and shape.
/// </remarks>
public sealed record PerformanceAssumptions
{
    public static PerformanceAssumptions Default { get; } = new();

    /// <summary>vLLM V1 with CUDA graphs and its custom all-reduce.</summary>
    /// <remarks>
    /// No public vLLM latency rows to fit: compute efficiencies follow the TensorRT-LLM and LMDeploy fits, while bandwidth
    /// efficiency and overheads reproduce vLLM's published single-stream speed (Llama-3.1-8B bf16 on H100 ≈ 150 tok/s,
    /// ITL ≈ 6.5 ms); the request overhead stands for its OpenAI server (tokenisation, detokenisation, HTTP).
    /// </remarks>
    public EngineProfile Vllm { get; init; } = new(0.78, 0.65, 0.50, 0.75, 1.75, 40, 0.60, 400, 3, 3000);

    /// <summary>SGLang: same kernels family as vLLM, lighter scheduler.</summary>
    public EngineProfile Sglang { get; init; } = new(0.78, 0.65, 0.50, 0.75, 1.75, 40, 0.60, 300, 3, 2000);

    /// <summary>TensorRT-LLM: fused kernels, in-flight batching, C++ runtime.</summary>
    public EngineProfile Trtllm { get; init; } = new(0.75, 0.715, 0.46, 0.65, 1.68, 43, 0.74, 967, 4.8, 889);

    /// <summary>LMDeploy TurboMind.</summary>
    public EngineProfile Lmdeploy { get; init; } = new(0.62, 0.68, 0.50, 0.92, 1.5, 24, 0.62, 50, 0.5, 9015);

    /// <summary>A plain PyTorch server (gpt-fast, HF): torch.compile kernels, NCCL all-reduce.</summary>
    public EngineProfile Generic { get; init; } = new(0.75, 0.60, 0.45, 0.60, 2.7, 24, 0.45, 650, 8.2, 1000);

    /// <summary>Activation bytes per element moved between TP ranks and pipeline stages (16-bit even when weights are quantized).</summary>
    public double ActivationBytes { get; init; } = 2;

    /// <summary>Fraction of the tensor-parallel all-reduce time hidden behind compute (0 = fully exposed, as in vLLM decode).</summary>
    public double CommunicationOverlap { get; init; }

    /// <summary>Extra cycle time per additional micro-batch in flight under pipeline parallelism: micro-batches carry unequal
    /// prompt chunks, so every stage waits for the slowest one. Cycle = p·T_stage·(1 + skew·(m − 1)).</summary>
    /// <remarks>Fitted to TensorRT-LLM's PP 1/2/4/8 throughput on RTX PRO 6000 (perf-overview): scaling 1.89×, 2.95×, 3.64× where
    /// stages alone would give ~1.96×, 3.5×, 5.4×.</remarks>
    public double PipelineSkew { get; init; } = 0.04;

    /// <summary>Share of the dense weight-streaming bandwidth that grouped expert GEMMs reach: many small per-expert matrices,
    /// each with a handful of tokens, stream less efficiently than one large GEMM.</summary>
    /// <remarks>Fitted to the 27 public MoE rows (Mixtral under gpt-fast, Llama-4 and Qwen3-MoE under TensorRT-LLM): at 1.0 they
    /// sit 22 % optimistic at the median, at 0.6 within 5 %.</remarks>
    public double ExpertBandwidthShare { get; init; } = 0.6;

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

    /// <summary>The constants one engine's estimates use, with their sources.</summary>
    public IReadOnlyList<Assumption> Describe(Engine engine)
    {
        var p = For(engine);
        return
        [
            new("hbmEfficiency", p.HbmEfficiency, "fraction", Calibrated + "; decode kernels reach 60-85 % of peak HBM (docs/formulas.md §3)"),
            new("computeEfficiency", p.ComputeEfficiency, "fraction", Calibrated + "; planning band 0.4-0.6 MFU (docs/formulas.md §1.5)"),
            new("lowPrecisionComputeEfficiency", p.LowPrecisionComputeEfficiency, "fraction", Calibrated + "; fp8/fp4 GEMMs reach a smaller share of their doubled peak"),
            new("kvReadEfficiency", p.KvReadEfficiency, "fraction", Calibrated + "; paged-attention decode reads the KV cache below weight-streaming bandwidth"),
            new("rooflineSharpness", p.RooflineSharpness, "exponent", Calibrated + "; smooth max of memory and compute time near the ridge point"),
            new("gemmHalfSaturationTokens", p.HalfSaturationTokens, "tokens", Calibrated + "; small-M GEMMs under-fill the SMs"),
            new("attentionEfficiency", p.AttentionEfficiency, "fraction", Calibrated + "; FlashAttention-2 reaches 50-70 % of peak"),
            new("stepOverheadUs", p.StepOverheadUs, "us", Calibrated + "; scheduler, sampler and launch gaps per engine step"),
            new("layerOverheadUs", p.LayerOverheadUs, "us", Calibrated + "; per-layer small kernels per step"),
            new("requestOverheadUs", p.RequestOverheadUs, "us", Calibrated + "; admission, tokenisation and first-token sampling and streaming, once per request"),
            new("activationBytes", ActivationBytes, "bytes", "activations travel in 16-bit between ranks (vLLM, TensorRT-LLM)"),
            new("communicationOverlap", CommunicationOverlap, "fraction", "tensor-parallel all-reduces sit on the critical path in decode (vLLM, TensorRT-LLM)"),
            new("pipelineSkew", PipelineSkew, "fraction per micro-batch", "fitted to TensorRT-LLM PP 1-8 throughput on RTX PRO 6000 (perf-overview): unequal micro-batches make stages wait"),
            new("expertBandwidthShare", ExpertBandwidthShare, "fraction of hbmEfficiency", "fitted to the public MoE rows (Mixtral gpt-fast, Llama-4 and Qwen3-MoE TensorRT-LLM): grouped expert GEMMs stream below dense GEMMs"),
            new("expertImbalance", ExpertImbalance, "ratio", "busiest expert group over the mean under top-k routing without load balancing (DeepEP, DeepSeek-V3 report)"),
        ];
    }

    private const string Calibrated = "this engine's profile, fitted to the public measured cases (tests/Domain.Tests/TestData/cases-public.csv) within physical ranges (benchmarks/Fidelity --tune)";
}
