using FluentValidation;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;

namespace Sizing.Api.Contracts.Collectives;

public sealed class CollectiveRequestValidator : AbstractValidator<CollectiveRequest>
{
    /// <summary>16 GiB, nccl-tests' usual largest size, × 16 ranks of headroom: 256 GiB.</summary>
    public const long MaxMessageBytes = 16L * (16L << 30);

    public CollectiveRequestValidator(HardwareCatalog catalog)
    {
        RuleFor(r => r.Operation).NotNull().WithMessage($"'operation' is required: one of {EnumText.Values<CollectiveOperation>()}.");
        RuleFor(r => r.Gpu).NotEmpty().WithMessage("'gpu' is required: a GPU catalog id such as h100-sxm-80gb (GET /v1/gpus lists them).")
            .Must(id => catalog.FindGpu(id!) is not null).When(r => !string.IsNullOrEmpty(r.Gpu), ApplyConditionTo.CurrentValidator)
            .WithMessage(r => $"unknown GPU '{r.Gpu}'; GET /v1/gpus lists the catalog ids.");
        RuleFor(r => r.GpuCount).NotNull().WithMessage("'gpuCount' is required.")
            .InclusiveBetween(1, Limits.MaxGpusPerReplica).WithMessage($"'gpuCount' must be between 1 and {Limits.MaxGpusPerReplica}.");
        RuleFor(r => r.NicsPerNode).InclusiveBetween(1, Limits.MaxNicsPerNode).When(r => r.NicsPerNode is not null)
            .WithMessage(LinkRules.NicsPerNodeMessage);
        RuleFor(r => r.NicGbps).Must(LinkRules.IsValidNicGbps).When(r => r.NicGbps is not null)
            .WithMessage(LinkRules.NicGbpsMessage);
        RuleFor(r => r.GpusPerNode).InclusiveBetween(1, Limits.MaxGpusPerNode).When(r => r.GpusPerNode is not null)
            .WithMessage($"'gpusPerNode' must be between 1 and {Limits.MaxGpusPerNode}.");
        RuleFor(r => r.IntraNode).Must((r, _) => LinkRules.HasScaleUpFor(catalog.FindGpu(r.Gpu!)!, r.IntraNode))
            .When(r => r.Gpu is not null && catalog.FindGpu(r.Gpu) is not null)
            .WithMessage(r => LinkRules.ScaleUpMismatch(catalog.FindGpu(r.Gpu!)!, r.IntraNode));
        RuleFor(r => r.NicsPerNode).InclusiveBetween(1, Limits.MaxNicsPerNode).When(r => r.NicsPerNode is not null)
            .WithMessage(LinkRules.NicsPerNodeMessage);
        RuleFor(r => r.NicGbps).Must(LinkRules.IsValidNicGbps).When(r => r.NicGbps is not null)
            .WithMessage(LinkRules.NicGbpsMessage);
        RuleFor(r => r.MessageBytes).NotNull().WithMessage("'messageBytes' is required: the whole buffer in bytes (nccl-tests size).")
            .InclusiveBetween(0, MaxMessageBytes).WithMessage($"'messageBytes' must be between 0 and {MaxMessageBytes:N0} (256 GiB).");
    }
}
