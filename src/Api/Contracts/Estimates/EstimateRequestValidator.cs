using FluentValidation;
using Sizing.Api.Contracts.Models;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;

namespace Sizing.Api.Contracts.Estimates;

public sealed class EstimateRequestValidator : AbstractValidator<EstimateRequest>
{
    public EstimateRequestValidator(HardwareCatalog catalog)
    {
        ModelChoice.AddRules(this, r => r.Model, r => r.ModelConfig, catalog);
        RuleFor(r => r.Hardware).NotNull().WithMessage("'hardware' is required, with at least 'gpu'.")
            .SetValidator(new HardwareRequestValidator(catalog)!);
        RuleFor(r => r.Parallelism).SetValidator(new ParallelismRequestValidator()!).When(r => r.Parallelism is not null);
        // Refused outright where no engine has the format on this GPU (fp4 KV off Blackwell); an engine that lacks a format
        // another engine has is an estimate with fits: false and the reason.
        RuleFor(r => r.Precision!.KvCache)
            .Must((r, kv) => PrecisionSupport.AnyEngineRunsKvCache(catalog.FindGpu(r.Hardware!.Gpu!)!, kv!.Value))
            .When(r => r.Precision?.KvCache is not null && r.Hardware?.Gpu is { } gpu && catalog.FindGpu(gpu) is not null)
            .OverridePropertyName("precision.kvCache")
            .WithMessage(r => $"'kvCache' {EnumText.Of(r.Precision!.KvCache!.Value)} is not supported: {PrecisionSupport.KvCacheProblem(catalog.FindGpu(r.Hardware!.Gpu!)!, Engine.Generic, r.Precision.KvCache.Value)}.");
        RuleFor(r => r.Workload).NotNull().WithMessage("'workload' is required, with 'inputTokens' and 'outputTokens'.")
            .SetValidator(new WorkloadRequestValidator()!);
        RuleFor(r => r.EngineVersion).Must(v => EngineVersion.TryParse(v, out _)).When(r => r.EngineVersion is not null)
            .WithMessage($"'engineVersion' must be {EngineVersion.Grammar}.");
        RuleFor(r => r.GpuMemoryUtilization).Must(Limits.IsGpuMemoryUtilization).When(r => r.GpuMemoryUtilization is not null)
            .WithMessage(Limits.GpuMemoryUtilizationMessage);
        RuleFor(r => r.MaxModelLength).InclusiveBetween(1, Limits.MaxInputTokens + Limits.MaxOutputTokens).When(r => r.MaxModelLength is not null)
            .WithMessage("'maxModelLength' must be between 1 and 3,000,000 tokens.");
        RuleFor(r => r.MaxModelLength).Must((r, length) => length >= r.Workload!.InputTokens + r.Workload.OutputTokens)
            .When(r => r.MaxModelLength is not null && r.Workload?.InputTokens is not null && r.Workload.OutputTokens is not null)
            .WithMessage("'maxModelLength' must be at least inputTokens + outputTokens.");
        RuleFor(r => r.MaxNumBatchedTokens).InclusiveBetween(1, 1_048_576).When(r => r.MaxNumBatchedTokens is not null)
            .WithMessage("'maxNumBatchedTokens' must be between 1 and 1,048,576.");
        RuleFor(r => r.MaxNumSeqs).InclusiveBetween(1, Limits.MaxConcurrency).When(r => r.MaxNumSeqs is not null)
            .WithMessage("'maxNumSeqs' must be between 1 and 100,000.");
        RuleFor(r => r.BlockSize).InclusiveBetween(1, 1024).When(r => r.BlockSize is not null)
            .WithMessage("'blockSize' must be between 1 and 1024.");
    }
}
