namespace Sizing.Domain.Performance;

/// <summary>What one serving engine adds to the GPU's own costs: its scheduler, its small kernels, its API server, and how it
/// admits requests. The hardware efficiencies are facts about the GPU (<see cref="Catalog.GpuAchievable"/>), not about the engine.</summary>
/// <param name="StepOverheadUs">Fixed cost of one engine step outside the model's kernels: scheduling, input preparation, sampling,
/// launching (µs).</param>
/// <param name="SequenceStepUs">CPU cost per sequence sampled in a step in the engine's own loop: scheduling bookkeeping, input
/// preparation, output update (µs); engines that detokenise and stream in a separate API-server process do not pay those here.</param>
/// <param name="LayerFloorUs">Small kernels of one decoder layer besides its GEMMs and attention: norms, rotary embedding, KV-cache
/// write, activation and residual adds, under CUDA graphs (µs). It does not shrink with tensor parallelism.</param>
/// <param name="RequestOverheadUs">Fixed cost a request pays before its first token beyond its prefill: the API server's parsing,
/// tokenisation and chat template, admission, and streaming the first token back (µs).</param>
/// <param name="ReservesWholeSequence">Admission reserves KV for prompt and output up front (TensorRT-LLM's GUARANTEED_NO_EVICT);
/// otherwise blocks are allocated as tokens arrive (vLLM, SGLang), so a running sequence holds prompt + half its output on average.</param>
public sealed record EngineProfile(
    double StepOverheadUs,
    double SequenceStepUs,
    double LayerFloorUs,
    double RequestOverheadUs,
    bool ReservesWholeSequence)
{
    /// <summary>The prior of every engine before any row is fitted, and the value of each field the registry does not fit.</summary>
    /// <remarks>300 µs of host work per step under CUDA graphs, 10 µs of Python bookkeeping per sequence sampled, 6 small
    /// graph-replayed kernels of ~1 µs per layer (benchmarks/GpuProbe: 0.94 µs each), 2 ms per request for the API server.
    /// Planning values, not read off any measured row.</remarks>
    public static EngineProfile Planning { get; } = new(StepOverheadUs: 300, SequenceStepUs: 10, LayerFloorUs: 6, RequestOverheadUs: 2_000, ReservesWholeSequence: false);

    /// <summary>Where <see cref="Planning"/> comes from, as its assumptions report it.</summary>
    public const string PlanningSource = "planning prior (300 µs per step, 10 µs per sequence, 6 µs per layer from ~1 µs per graph-replayed small kernel in benchmarks/GpuProbe, 2 ms per request), not fitted";

    public const string StepOverheadMeaning = "scheduler, input preparation, sampler and launches per engine step";
    public const string SequenceStepMeaning = "per sequence sampled in a step: scheduling, sampling, detokenising and streaming its token";
    public const string LayerFloorMeaning = "norms, rotary, KV write, activation per layer; a graph-replayed small kernel costs ~1 µs on H200 (benchmarks/GpuProbe)";
    public const string RequestOverheadMeaning = "API server parsing, tokenisation, admission and first-token streaming, once per request";
}
