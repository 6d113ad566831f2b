using Sizing.Api.Contracts.Models;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;

namespace Sizing.Api.Contracts.Estimates;

public static class EstimateMapping
{
    public static MemoryInput ToMemoryInput(this EstimateRequest request, HardwareCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        var workload = request.Workload!;
        var sequence = workload.InputTokens!.Value + workload.OutputTokens!.Value;
        var weights = request.Precision?.Weights is { } w ? EnumText.Parse<Precision>(w) : Precision.Bf16;
        var engine = request.Engine is { } e ? EnumText.Parse<Engine>(e) : Engine.Vllm;
        return new MemoryInput(
            ModelChoice.Resolve(request.Model, request.ModelConfig, catalog),
            catalog.FindGpu(request.Hardware!.Gpu!)!,
            request.Parallelism.ToDomain(),
            weights,
            request.Precision?.KvCache is { } kv ? EnumText.Parse<Precision>(kv) : KvCacheDefaults.For(engine, weights),
            engine,
            request.MaxModelLength ?? Math.Max(1, sequence),
            Math.Max(1, sequence),
            workload.Concurrency,
            request.GpuMemoryUtilization,
            request.MaxNumBatchedTokens,
            request.MaxNumSeqs,
            request.ChunkedPrefill ?? true,
            request.BlockSize ?? 16);
    }

    public static Parallelism ToDomain(this ParallelismRequest? request) =>
        request is null ? Parallelism.None : new Parallelism(request.Tensor ?? 1, request.Pipeline ?? 1, request.Expert ?? 1, request.Data ?? 1);

    public static EstimateResponse ToResponse(this MemoryEstimate memory, Parallelism parallelism)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(parallelism);
        return new EstimateResponse(
            memory.Fits,
            memory.Concurrency,
            parallelism.GpusPerReplica,
            parallelism.TotalGpus,
            memory.ToResponse(),
            [.. memory.Reasons, .. memory.Warnings],
            [.. memory.Assumptions.Select(ToResponse)]);
    }

    public static MemoryResponse ToResponse(this MemoryEstimate m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new MemoryResponse(
            new PerGpuMemoryResponse(
                Round(m.Weights.GiB), Round(m.KvCache.GiB), Round(m.Activations.GiB), Round(m.RuntimeOverhead.GiB),
                Round(m.Total.GiB), Round(m.Capacity.GiB), Round(m.Headroom.GiB), Round(m.KvCachePool.GiB)),
            m.KvCacheBytesPerTokenPerGpu,
            m.KvCacheCapacityTokens,
            Math.Round(m.MaxConcurrentSequences, 2),
            m.MaxNumBatchedTokens,
            m.MaxNumSeqs,
            m.GpuMemoryUtilization);
    }

    public static AssumptionResponse ToResponse(this Assumption a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new AssumptionResponse(a.Name, a.Value, a.Unit, a.Source);
    }

    private static double Round(double value) => Math.Round(value, 3);
}
