using FluentValidation;
using FluentValidation.Results;
using Sizing.Api.Contracts.Models;

namespace Sizing.Api.Validation;

/// <summary>A validator whose last step runs only once every field rule has passed.</summary>
/// <remarks>
/// Checks that map the whole request to the domain (the search size, each sweep point) then never meet a half-valid request:
/// an unknown link name or a malformed config is reported by its field rule, never thrown by the mapping.
/// </remarks>
public abstract class WholeRequestValidator<T> : AbstractValidator<T>
{
    /// <summary>Problems of the valid request as a whole, as (JSON path, message).</summary>
    protected abstract IEnumerable<(string Field, string Message)> ValidateWhole(T request, ModelConfigCache models, CancellationToken cancellation);

    public override ValidationResult Validate(ValidationContext<T> context)
    {
        var result = base.Validate(context);
        return Finish(context, result, CancellationToken.None);
    }

    public override async Task<ValidationResult> ValidateAsync(ValidationContext<T> context, CancellationToken cancellation = default)
    {
        var result = await base.ValidateAsync(context, cancellation).ConfigureAwait(false);
        return Finish(context, result, cancellation);
    }

    private ValidationResult Finish(ValidationContext<T> context, ValidationResult result, CancellationToken cancellation)
    {
        if (result.IsValid)
        {
            foreach (var (field, message) in ValidateWhole(context.InstanceToValidate, ModelConfigCache.From(context), cancellation))
            {
                result.Errors.Add(new ValidationFailure(field, message));
            }
        }

        return result;
    }
}
