namespace Sizing.Domain.Performance;

/// <summary>How close one engine's kernels come to the hardware's peaks, and what each step costs besides kernels.</summary>
/// <param name="HbmEfficiency">Fraction of peak memory bandwidth decode kernels sustain (weight and KV streaming).</param>
/// <param name="ComputeEfficiency">Fraction of dense 16-bit tensor peak large GEMMs reach.</param>
/// <param name="LowPrecisionComputeEfficiency">Fraction of the fp8/int8/fp4 tensor peak large GEMMs reach (lower: scaling and conversion).</param>
/// <param name="KvReadEfficiency">Fraction of peak bandwidth paged-attention decode kernels sustain reading the KV cache.</param>
/// <param name="RooflineSharpness">Exponent q of the smooth roofline (t_mem^q + t_compute^q)^(1/q): how well memory traffic and math overlap near the ridge.</param>
/// <param name="HalfSaturationTokens">Tokens in a step at which GEMMs reach half their peak efficiency: η = η_max·M/(M + M½).
/// Small prompts under-fill the SMs; decode stays memory-bound as long as M½ is well below the ridge point.</param>
/// <param name="AttentionEfficiency">Fraction of 16-bit peak flash attention reaches in prefill.</param>
/// <param name="StepOverheadUs">Fixed cost of one engine step: scheduling, sampling, launch gaps (µs).</param>
/// <param name="LayerOverheadUs">Per-layer cost per step not hidden by CUDA graphs: small kernels, norms, rotary (µs).</param>
/// <param name="RequestOverheadUs">Fixed cost a request pays before its first token beyond its prefill: admission, tokenisation,
/// the first sampling and streaming of the token (µs).</param>
public sealed record EngineProfile(
    double HbmEfficiency,
    double ComputeEfficiency,
    double LowPrecisionComputeEfficiency,
    double KvReadEfficiency,
    double RooflineSharpness,
    double HalfSaturationTokens,
    double AttentionEfficiency,
    double StepOverheadUs,
    double LayerOverheadUs,
    double RequestOverheadUs)
{
    /// <summary>The prior of an engine no rows have fitted yet: HBM 75 % (docs/formulas.md §3: 60-85 %), GEMMs 60 % of peak and
    /// 50 % in 8-bit or less (§1.5), KV reads 65 %, a quadratic smooth maximum, half saturation at 32 tokens, attention 55 %
    /// (FlashAttention-2: 50-70 %), 500 µs per step, 3 µs per layer and 2 ms per request outside kernels. Planning values, not fits.</summary>
    public static EngineProfile Planning { get; } = new(0.75, 0.60, 0.50, 0.65, 2.0, 32, 0.55, 500, 3, 2000);
}
