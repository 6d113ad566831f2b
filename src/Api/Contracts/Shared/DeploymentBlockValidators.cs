using FluentValidation;
using Sizing.Domain;
using Sizing.Domain.Deployment;

namespace Sizing.Api.Contracts;

/// <summary>Request limits: large enough for any real deployment, small enough that no request can run away.</summary>
public static class Limits
{
    public const int MaxInputTokens = 2_000_000;
    public const int MaxOutputTokens = 1_000_000;
    public const int MaxConcurrency = 100_000;
    public const int MaxTensor = 1024;
    public const int MaxPipeline = 256;
    public const int MaxExpert = 1024;
    public const int MaxData = 100_000;
    public const int MaxAttentionData = 1024;
    public const int MaxGpusPerNode = 72;
    public const int MaxGpusPerReplica = 4096;
    public const int MaxNicsPerNode = 64;
    public const double MaxNicGbps = 3200;

    /// <summary>Requests in flight × tokens per request: 10^10, about 3× the KV a 1,024-GPU B200 deployment holds at
    /// DeepSeek-V3's 70 KB per token. With the model bound on KV elements per token every KV byte count stays below 2^63.</summary>
    public const long MaxTokensInFlight = 10_000_000_000;

    /// <summary>Below 1 % the engine has no room for any weights; the floor also keeps every ratio over the budget finite.</summary>
    public const double MinGpuMemoryUtilization = 0.01;

    /// <summary>The rule every gpuMemoryUtilization (estimates, sweeps, recommendations) follows.</summary>
    public static bool IsGpuMemoryUtilization(double? value) => value is >= MinGpuMemoryUtilization and <= 1;

    public static readonly string GpuMemoryUtilizationMessage = $"'gpuMemoryUtilization' must be between {MinGpuMemoryUtilization} and 1 (a fraction of the GPU's memory).";
    public const double MaxRequestsPerSecond = 1_000_000;
    public const int MaxRunRequests = 10_000_000;
}

public sealed class HardwareRequestValidator : AbstractValidator<HardwareRequest>
{
    public HardwareRequestValidator(Domain.Catalog.HardwareCatalog catalog)
    {
        RuleFor(h => h.Gpu).NotEmpty().WithMessage("'gpu' is required: a GPU catalog id such as h100-sxm-80gb (GET /v1/gpus lists them).")
            .Must(id => catalog.FindGpu(id!) is not null).When(h => !string.IsNullOrEmpty(h.Gpu), ApplyConditionTo.CurrentValidator)
            .WithMessage(h => $"unknown GPU '{h.Gpu}'; GET /v1/gpus lists the catalog ids.");
        RuleFor(h => h.GpusPerNode).InclusiveBetween(1, Limits.MaxGpusPerNode).When(h => h.GpusPerNode is not null)
            .WithMessage($"'gpusPerNode' must be between 1 and {Limits.MaxGpusPerNode}.");
        RuleFor(h => h.IntraNode).Must((h, _) => LinkRules.HasScaleUpFor(catalog.FindGpu(h.Gpu!)!, h.IntraNode))
            .When(h => h.Gpu is not null && catalog.FindGpu(h.Gpu) is not null)
            .WithMessage(h => LinkRules.ScaleUpMismatch(catalog.FindGpu(h.Gpu!)!, h.IntraNode));
        RuleFor(h => h.NicsPerNode).InclusiveBetween(1, Limits.MaxNicsPerNode).When(h => h.NicsPerNode is not null)
            .WithMessage(LinkRules.NicsPerNodeMessage);
        RuleFor(h => h.NicGbps).Must(LinkRules.IsValidNicGbps).When(h => h.NicGbps is not null)
            .WithMessage(LinkRules.NicGbpsMessage);
    }
}

public sealed class ParallelismRequestValidator : AbstractValidator<ParallelismRequest>
{
    private static bool InRange(ParallelismRequest p) =>
        p.Tensor is null or (>= 1 and <= Limits.MaxTensor) && p.Pipeline is null or (>= 1 and <= Limits.MaxPipeline)
        && p.Expert is null or (>= 1 and <= Limits.MaxExpert) && p.Data is null or (>= 1 and <= Limits.MaxData)
        && p.AttentionData is null or (>= 1 and <= Limits.MaxAttentionData) && p.RedundantExperts is null or (>= 0 and <= Limits.MaxExpert);

    public ParallelismRequestValidator()
    {
        RuleFor(p => p.Tensor).InclusiveBetween(1, Limits.MaxTensor).When(p => p.Tensor is not null)
            .WithMessage($"'tensor' must be between 1 and {Limits.MaxTensor}.");
        RuleFor(p => p.Pipeline).InclusiveBetween(1, Limits.MaxPipeline).When(p => p.Pipeline is not null)
            .WithMessage($"'pipeline' must be between 1 and {Limits.MaxPipeline}.");
        RuleFor(p => p.Expert).InclusiveBetween(1, Limits.MaxExpert).When(p => p.Expert is not null)
            .WithMessage($"'expert' must be between 1 and {Limits.MaxExpert}.");
        RuleFor(p => p.Data).InclusiveBetween(1, Limits.MaxData).When(p => p.Data is not null)
            .WithMessage($"'data' must be between 1 and {Limits.MaxData}.");
        RuleFor(p => p.AttentionData).InclusiveBetween(1, Limits.MaxAttentionData).When(p => p.AttentionData is not null)
            .WithMessage($"'attentionData' must be between 1 and {Limits.MaxAttentionData}.");
        RuleFor(p => p.RedundantExperts).InclusiveBetween(0, Limits.MaxExpert).When(p => p.RedundantExperts is not null)
            .WithMessage($"'redundantExperts' must be between 0 and {Limits.MaxExpert}.");
        RuleFor(p => p.MoeExchange).Must(e => e is not (Domain.Moe.MoeExchange.None or Domain.Moe.MoeExchange.AllReduce)).When(p => p.MoeExchange is not null)
            .WithMessage("'moeExchange' must be allgather-reducescatter, all-to-all or deepep (without DP attention the MoE layers all-reduce inside the tensor group anyway).");
        RuleFor(p => (long)(p.Tensor ?? 1) * (p.Pipeline ?? 1) * (p.AttentionData ?? 1)).LessThanOrEqualTo(Limits.MaxGpusPerReplica)
            .WithName("tensor").OverridePropertyName("tensor")
            .WithMessage($"tensor × pipeline × attentionData must be at most {Limits.MaxGpusPerReplica} GPUs per replica.");

        // Degrees that contradict one another whatever the model and engine (ParallelismRules.Structural): a 400 naming the
        // field. What depends on the model or the engine is an estimate with fits: false and the engine's reason.
        RuleFor(p => p).Custom((p, context) =>
        {
            if (!InRange(p))
            {
                return;
            }

            foreach (var problem in ParallelismRules.Structural(Estimates.EstimateMapping.ToDomain(p)))
            {
                context.AddFailure(problem.Field, problem.Message);
            }
        });
    }
}

public sealed class WorkloadRequestValidator : AbstractValidator<WorkloadRequest>
{
    public WorkloadRequestValidator()
    {
        RuleFor(w => w.InputTokens).NotNull().WithMessage("'inputTokens' is required.")
            .InclusiveBetween(1, Limits.MaxInputTokens).WithMessage($"'inputTokens' must be between 1 and {Limits.MaxInputTokens:N0}.");
        RuleFor(w => w.OutputTokens).NotNull().WithMessage("'outputTokens' is required.")
            .InclusiveBetween(0, Limits.MaxOutputTokens).WithMessage($"'outputTokens' must be between 0 and {Limits.MaxOutputTokens:N0}.");
        RuleFor(w => w.Concurrency).InclusiveBetween(1, Limits.MaxConcurrency).When(w => w.Concurrency is not null)
            .WithMessage($"'concurrency' must be between 1 and {Limits.MaxConcurrency:N0}.");
        RuleFor(w => w.Concurrency)
            .Must((w, concurrency) => (long)concurrency!.Value * (w.InputTokens!.Value + w.OutputTokens!.Value) <= Limits.MaxTokensInFlight)
            .When(w => w.Concurrency is >= 1 and <= Limits.MaxConcurrency && w.InputTokens is >= 1 and <= Limits.MaxInputTokens
                && w.OutputTokens is >= 0 and <= Limits.MaxOutputTokens)
            .WithMessage(w => $"{w.Concurrency:N0} requests of {w.InputTokens + w.OutputTokens:N0} tokens put {(long)w.Concurrency!.Value * (w.InputTokens!.Value + w.OutputTokens!.Value):N0} tokens in flight; at most {Limits.MaxTokensInFlight:N0} (more than any deployment's KV cache holds).");
        RuleFor(w => w.RequestsPerSecond).Must(r => r > 0 && r <= Limits.MaxRequestsPerSecond).When(w => w.RequestsPerSecond is not null)
            .WithMessage($"'requestsPerSecond' must be greater than 0 and at most {Limits.MaxRequestsPerSecond:N0}.");
        RuleFor(w => w.NumPrompts).InclusiveBetween(1, Limits.MaxRunRequests).When(w => w.NumPrompts is not null)
            .WithMessage($"'numPrompts' must be between 1 and {Limits.MaxRunRequests:N0}.");
    }
}
