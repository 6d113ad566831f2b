using FluentValidation;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Validation;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Recommendation;

namespace Sizing.Api.Contracts.Recommendations;

public sealed class RecommendationRequestValidator : WholeRequestValidator<RecommendationRequest>
{
    /// <summary>Candidates (GPU types × precisions × TP × PP × EP × replicas) one search may enumerate.</summary>
    public const long MaxCandidates = 200_000;

    public const int MaxGpus = 1024;
    public const int MaxGpuTypes = 32;
    public const int MaxLimit = 50;
    public const double MaxRequestsPerSecond = 1_000_000;

    /// <summary>Below this the rate is noise, and Little's law would divide by numbers too small to report.</summary>
    public const double MinRequestsPerSecond = 0.001;

    private readonly HardwareCatalog _catalog;

    public RecommendationRequestValidator(HardwareCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        ModelChoice.AddRules(this, r => r.Model, r => r.ModelConfig, catalog);
        RuleFor(r => r.Hardware).SetValidator(new RecommendationHardwareValidator(catalog)!).When(r => r.Hardware is not null);
        RuleFor(r => r.Workload).NotNull().WithMessage("'workload' is required, with 'inputTokens', 'outputTokens' and 'requestsPerSecond'.")
            .SetValidator(new RecommendationWorkloadValidator()!);
        RuleFor(r => r.Slo).SetValidator(new SloValidator()!).When(r => r.Slo is not null);
        RuleFor(r => r.Precisions).Must(p => p!.Count is > 0 and <= 7).When(r => r.Precisions is not null)
            .WithMessage("'precisions' must list 1 to 7 weight formats.");
        RuleFor(r => r.Limit).InclusiveBetween(1, MaxLimit).When(r => r.Limit is not null)
            .WithMessage($"'limit' must be between 1 and {MaxLimit}.");
        RuleFor(r => r.GpuMemoryUtilization).Must(Limits.IsGpuMemoryUtilization).When(r => r.GpuMemoryUtilization is not null)
            .WithMessage(Limits.GpuMemoryUtilizationMessage);
    }

    /// <summary>The search size, once every field is valid (it maps the request to the domain).</summary>
    protected override IEnumerable<(string Field, string Message)> ValidateWhole(RecommendationRequest request, ModelConfigCache models, CancellationToken cancellation)
    {
        var count = RecommendationMapping.CandidateCount(request, _catalog, models);
        if (count > MaxCandidates)
        {
            yield return ("hardware.maxGpus", $"this search would enumerate {count:N0} candidates (GPU types × precisions × TP × PP × EP × replicas), more than the {MaxCandidates:N0} cap; lower 'maxGpus' or name fewer 'gpus' or 'precisions'.");
        }
    }
}

public sealed class RecommendationHardwareValidator : AbstractValidator<RecommendationHardwareRequest>
{
    public RecommendationHardwareValidator(HardwareCatalog catalog)
    {
        RuleFor(h => h.Gpus).Must(g => g!.Count is > 0 and <= RecommendationRequestValidator.MaxGpuTypes).When(h => h.Gpus is not null)
            .WithMessage($"'gpus' must list 1 to {RecommendationRequestValidator.MaxGpuTypes} GPU catalog ids (omit it to search the whole catalog).");
        RuleForEach(h => h.Gpus).Must(id => id is not null && catalog.FindGpu(id) is not null)
            .WithMessage((_, id) => $"unknown GPU '{id}'; GET /v1/gpus lists the catalog ids.");
        RuleFor(h => h.MaxGpus).InclusiveBetween(1, RecommendationRequestValidator.MaxGpus).When(h => h.MaxGpus is not null)
            .WithMessage($"'maxGpus' must be between 1 and {RecommendationRequestValidator.MaxGpus}: the GPU budget of one search is capped at {RecommendationRequestValidator.MaxGpus}.");
        RuleFor(h => h.GpusPerNode).InclusiveBetween(1, Limits.MaxGpusPerNode).When(h => h.GpusPerNode is not null)
            .WithMessage($"'gpusPerNode' must be between 1 and {Limits.MaxGpusPerNode}.");
        RuleFor(h => h.IntraNode)
            .Must((h, link) => h.Gpus!.All(id => LinkRules.HasScaleUpFor(catalog.FindGpu(id)!, link)))
            .When(h => h.IntraNode is not null
                && h.Gpus is { Count: > 0 } gpus && gpus.All(id => id is not null && catalog.FindGpu(id) is not null))
            .WithMessage(h => LinkRules.ScaleUpMismatch(h.Gpus!.Select(id => catalog.FindGpu(id)!).First(g => !LinkRules.HasScaleUpFor(g, h.IntraNode)), h.IntraNode));
        RuleFor(h => h.NicsPerNode).InclusiveBetween(1, Limits.MaxNicsPerNode).When(h => h.NicsPerNode is not null)
            .WithMessage(LinkRules.NicsPerNodeMessage);
        RuleFor(h => h.NicGbps).Must(LinkRules.IsValidNicGbps).When(h => h.NicGbps is not null)
            .WithMessage(LinkRules.NicGbpsMessage);
    }
}

public sealed class RecommendationWorkloadValidator : AbstractValidator<RecommendationWorkloadRequest>
{
    public RecommendationWorkloadValidator()
    {
        RuleFor(w => w.InputTokens).NotNull().WithMessage("'inputTokens' is required.")
            .InclusiveBetween(1, Limits.MaxInputTokens).WithMessage($"'inputTokens' must be between 1 and {Limits.MaxInputTokens:N0}.");
        RuleFor(w => w.OutputTokens).NotNull().WithMessage("'outputTokens' is required.")
            .InclusiveBetween(1, Limits.MaxOutputTokens).WithMessage($"'outputTokens' must be between 1 and {Limits.MaxOutputTokens:N0} (a TPOT needs at least one generated token).");
        RuleFor(w => w.RequestsPerSecond).NotNull().WithMessage("'requestsPerSecond' is required.")
            .Must(r => r >= RecommendationRequestValidator.MinRequestsPerSecond && r <= RecommendationRequestValidator.MaxRequestsPerSecond)
            .WithMessage($"'requestsPerSecond' must be between {RecommendationRequestValidator.MinRequestsPerSecond} (one request in about 17 minutes) and {RecommendationRequestValidator.MaxRequestsPerSecond:N0}.");
    }
}

public sealed class SloValidator : AbstractValidator<SloRequest>
{
    public SloValidator()
    {
        // No GPU answers in under 10 µs; the floor keeps miss ratios finite.
        RuleFor(s => s.TtftMs).Must(v => v >= 0.01 && v <= 3_600_000).When(s => s.TtftMs is not null)
            .WithMessage("'ttftMs' must be between 0.01 and 3,600,000 ms.");
        RuleFor(s => s.TpotMs).Must(v => v >= 0.01 && v <= 3_600_000).When(s => s.TpotMs is not null)
            .WithMessage("'tpotMs' must be between 0.01 and 3,600,000 ms.");
        RuleFor(s => s.TtftP99Ms).Must(v => v >= 0.01 && v <= 3_600_000).When(s => s.TtftP99Ms is not null)
            .WithMessage("'ttftP99Ms' must be between 0.01 and 3,600,000 ms.");
        RuleFor(s => s.TpotP99Ms).Must(v => v >= 0.01 && v <= 3_600_000).When(s => s.TpotP99Ms is not null)
            .WithMessage("'tpotP99Ms' must be between 0.01 and 3,600,000 ms.");
    }
}
