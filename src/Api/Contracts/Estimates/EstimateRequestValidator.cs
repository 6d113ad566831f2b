using FluentValidation;
using Sizing.Api.Contracts.Models;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Speculative;

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
        RuleFor(r => r.Disaggregation).SetValidator(new DisaggregationRequestValidator(catalog)!).When(r => r.Disaggregation is not null);
        RuleFor(r => r.Parallelism).Null().When(r => r.Disaggregation is not null)
            .WithMessage("'parallelism' describes one aggregated deployment; with 'disaggregation' give each pool's parallelism instead.");
        RuleFor(r => r.Workload!.RequestsPerSecond).NotNull().When(r => r.Disaggregation is not null && r.Workload is not null)
            .OverridePropertyName("workload.requestsPerSecond")
            .WithMessage("'disaggregation' needs 'workload.requestsPerSecond': the offered load its pools share.");
        RuleFor(r => r.Speculative).SetValidator(new SpeculativeRequestValidator(catalog)!).When(r => r.Speculative is not null);
    }
}

public sealed class DisaggregationRequestValidator : AbstractValidator<DisaggregationRequest>
{
    public const int MaxInstances = 10_000;

    public DisaggregationRequestValidator(HardwareCatalog catalog)
    {
        RuleFor(d => d.Prefill).NotNull().WithMessage("'prefill' is required: the pool that runs the prompts.")
            .SetValidator(new PoolRequestValidator(catalog)!);
        RuleFor(d => d.Decode).NotNull().WithMessage("'decode' is required: the pool that generates the output tokens.")
            .SetValidator(new PoolRequestValidator(catalog)!);
    }
}

public sealed class PoolRequestValidator : AbstractValidator<PoolRequest>
{
    public PoolRequestValidator(HardwareCatalog catalog)
    {
        RuleFor(p => p.Gpu).Must(id => catalog.FindGpu(id!) is not null).When(p => p.Gpu is not null)
            .WithMessage(p => $"unknown GPU '{p.Gpu}'; GET /v1/gpus lists the catalog ids.");
        RuleFor(p => p.Parallelism).NotNull().WithMessage("'parallelism' is required: one instance's degrees.")
            .SetValidator(new ParallelismRequestValidator()!);
        RuleFor(p => p.Instances).NotNull().WithMessage("'instances' is required.")
            .InclusiveBetween(1, DisaggregationRequestValidator.MaxInstances)
            .WithMessage($"'instances' must be between 1 and {DisaggregationRequestValidator.MaxInstances:N0}.");
    }
}

public sealed class SpeculativeRequestValidator : AbstractValidator<SpeculativeRequest>
{
    public const int MaxDraftTokens = 16;

    public SpeculativeRequestValidator(HardwareCatalog catalog)
    {
        RuleFor(s => s.Method).NotNull().WithMessage("'method' is required: mtp, eagle or draft.");
        RuleFor(s => s.DraftTokens).InclusiveBetween(1, MaxDraftTokens).When(s => s.DraftTokens is not null)
            .WithMessage($"'draftTokens' must be between 1 and {MaxDraftTokens}.");
        RuleFor(s => s.DraftTokens).NotNull().When(s => s.Method is SpeculativeMethod.Eagle or SpeculativeMethod.DraftModel)
            .WithMessage("'draftTokens' is required for eagle and draft (engines default to different depths).");
        RuleFor(s => s.AcceptanceRate).InclusiveBetween(0, 1).When(s => s.AcceptanceRate is not null)
            .WithMessage("'acceptanceRate' must be between 0 and 1.");
        RuleFor(s => s.AcceptanceRate).NotNull().When(s => s.Method is SpeculativeMethod.Eagle or SpeculativeMethod.DraftModel)
            .WithMessage("'acceptanceRate' is required for eagle and draft: no published per-token rate transfers between heads or draft models (give the one measured for yours).");
        RuleFor(s => s.DraftModel).NotNull().When(s => s.Method == SpeculativeMethod.DraftModel)
            .WithMessage("'draftModel' is required for method draft: a catalog model id sharing the target's tokenizer.");
        RuleFor(s => s.DraftModel).Null().When(s => s.Method is not null and not SpeculativeMethod.DraftModel)
            .WithMessage("'draftModel' applies to method draft only.");
        RuleFor(s => s.DraftModel).Must(id => catalog.FindModel(id!) is not null).When(s => s.DraftModel is not null)
            .WithMessage(s => $"unknown model '{s.DraftModel}'; GET /v1/models lists the catalog ids.");
    }
}
