using FluentValidation;
using Sizing.Api.Contracts.Estimates;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Validation;
using Sizing.Domain;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Contracts.Sweeps;

public sealed class SweepRequestValidator : WholeRequestValidator<SweepRequest>
{
    private readonly EstimateRequestValidator _estimate;

    public SweepRequestValidator(HardwareCatalog catalog)
    {
        _estimate = new EstimateRequestValidator(catalog);
        RuleFor(r => r.Base).NotNull().WithMessage("'base' is required: an estimates request (see POST /v1/estimates).")
            .SetValidator(_estimate!);
        RuleFor(r => r.Vary).NotNull().WithMessage("'vary' is required, with 'parameter' and 'values'.");
        RuleFor(r => r.Vary!.Parameter).NotNull().When(r => r.Vary is not null)
            .WithMessage($"'parameter' is required: one of {EnumText.Values<SweepParameter>()}.");
        RuleFor(r => r.Vary!.Values).Must(v => v is { Count: > 0 and <= SweepParameters.MaxValues }).When(r => r.Vary is not null)
            .WithMessage($"'values' must list 1 to {SweepParameters.MaxValues} values.");
        RuleFor(r => r).Custom((request, context) =>
        {
            if (request.Vary is not { Values: { Count: > 0 and <= SweepParameters.MaxValues } values, Parameter: { } parameter })
            {
                return;
            }

            for (var i = 0; i < values.Count; i++)
            {
                if (SweepParameters.Problem(parameter, values[i]) is { } problem)
                {
                    context.AddFailure($"vary.values[{i}]", problem);
                }
            }
        });
    }

    /// <summary>Each point as the estimate it will run, once the base and every value are valid on their own (the base's model
    /// config comes from the request's cache, resolved once for all points).</summary>
    protected override IEnumerable<(string Field, string Message)> ValidateWhole(SweepRequest request, ModelConfigCache models, CancellationToken cancellation)
    {
        var parameter = request.Vary!.Parameter!.Value;
        var values = request.Vary.Values!;
        for (var i = 0; i < values.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var point = new ValidationContext<EstimateRequest>(SweepParameters.Apply(request.Base!, parameter, values[i]));
            models.AttachTo(point);
            if (_estimate.Validate(point) is { IsValid: false } result)
            {
                yield return ($"vary.values[{i}]", $"with {EnumText.Of(parameter)} = {values[i]}, the request is invalid: {result.Errors[0].ErrorMessage}");
            }
        }
    }
}
