namespace Sizing.Api.Contracts.Estimates;

/// <summary>What one deployment needs and does. <c>fits: false</c> is an answer: the reasons are in <c>warnings</c>.</summary>
/// <param name="Fits">Whether the model, its runtime and this workload fit on the GPUs.</param>
/// <param name="Concurrency">Concurrent requests per replica the figures are for (the requested one, or as many as fit).</param>
/// <param name="GpusPerReplica">tensor × pipeline.</param>
/// <param name="TotalGpus">GPUs across all replicas.</param>
/// <param name="Memory">Per-GPU memory on the most loaded GPU.</param>
/// <param name="Warnings">Why it does not fit, and anything else worth knowing.</param>
/// <param name="Assumptions">Every assumed constant used, with its value and source.</param>
public sealed record EstimateResponse(
    bool Fits,
    int Concurrency,
    int GpusPerReplica,
    int TotalGpus,
    MemoryResponse Memory,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<AssumptionResponse> Assumptions);

/// <summary>Memory figures; per GPU unless named otherwise.</summary>
/// <param name="PerGpu">The breakdown on the most loaded GPU.</param>
/// <param name="KvCacheBytesPerTokenPerGpu">KV bytes one token adds on one GPU (KV heads split by TP, replicated beyond the KV head count; MLA not split). Example: 81920.</param>
/// <param name="KvCacheCapacityTokens">Tokens the KV pool holds, per replica (vLLM's "GPU KV cache size: N tokens"). Example: 472064.</param>
/// <param name="MaxConcurrentSequences">Sequences of inputTokens + outputTokens the pool holds at once, per replica (vLLM's "Maximum concurrency"). Example: 204.9.</param>
/// <param name="MaxNumBatchedTokens">The batched-token limit the activation figure is for.</param>
/// <param name="MaxNumSeqs">The sequence limit the activation figure is for.</param>
/// <param name="GpuMemoryUtilization">The budget fraction used (the request's or the engine default).</param>
public sealed record MemoryResponse(
    PerGpuMemoryResponse PerGpu,
    double KvCacheBytesPerTokenPerGpu,
    long KvCacheCapacityTokens,
    double MaxConcurrentSequences,
    int MaxNumBatchedTokens,
    int MaxNumSeqs,
    double GpuMemoryUtilization);

/// <summary>GiB (2^30 bytes) on the most loaded GPU.</summary>
/// <param name="WeightsGiB">Model weights held by this GPU. Example: 32.86.</param>
/// <param name="KvCacheGiB">KV cache this workload's sequences occupy (concurrency × one sequence).</param>
/// <param name="ActivationsGiB">Peak activation memory the engine profiles or reserves at its batch limits.</param>
/// <param name="RuntimeOverheadGiB">CUDA context, NCCL and custom all-reduce buffers, CUDA graphs.</param>
/// <param name="TotalGiB">weights + KV cache + activations + runtime overhead.</param>
/// <param name="CapacityGiB">Memory the device reports.</param>
/// <param name="HeadroomGiB">capacity − total.</param>
/// <param name="KvCachePoolGiB">KV memory the engine reserves at start-up (vLLM: "Available KV cache memory").</param>
public sealed record PerGpuMemoryResponse(
    double WeightsGiB,
    double KvCacheGiB,
    double ActivationsGiB,
    double RuntimeOverheadGiB,
    double TotalGiB,
    double CapacityGiB,
    double HeadroomGiB,
    double KvCachePoolGiB);

/// <summary>An assumed constant.</summary>
/// <param name="Name">Stable name, e.g. hbmEfficiency.</param>
/// <param name="Value">The value used.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Source">Where it comes from.</param>
public sealed record AssumptionResponse(string Name, double Value, string Unit, string Source);
