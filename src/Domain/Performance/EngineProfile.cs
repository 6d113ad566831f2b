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
    bool ReservesWholeSequence);
