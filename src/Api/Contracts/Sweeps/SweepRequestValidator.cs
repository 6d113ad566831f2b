using FluentValidation;
using Sizing.Api.Contracts.Estimates;
using Sizing.Domain;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Contracts.Sweeps;

public sealed class SweepRequestValidator : AbstractValidator<SweepRequest>
{
    public SweepRequestValidator(HardwareCatalog catalog)
    {
        var estimate = new EstimateRequestValidator(catalog);
        RuleFor(r => r.Base).NotNull().WithMessage("'base' is required: an estimates request (see POST /v1/estimates).")
            .SetValidator(estimate!);
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
                var key = $"vary.values[{i}]";
                if (SweepParameters.Problem(parameter, values[i]) is { } problem)
                {
                    context.AddFailure(key, problem);
                }
                else if (request.Base is { } b && estimate.Validate(b).IsValid
                    && estimate.Validate(SweepParameters.Apply(b, parameter, values[i])) is { IsValid: false } result)
                {
                    context.AddFailure(key, $"with {EnumText.Of(parameter)} = {values[i]}, the request is invalid: {result.Errors[0].ErrorMessage}");
                }
            }
        });
    }
}
