using System.Collections.Concurrent;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Errors;

namespace Sizing.Api.Validation;

/// <summary>Runs the FluentValidation validator of each action argument and answers 400 problem+json on failure.</summary>
/// <remarks>A small filter instead of the deprecated auto-validation pipeline (house style, FluentValidation docs).</remarks>
public sealed class ValidationFilter(IServiceProvider services) : IAsyncActionFilter
{
    private static readonly ConcurrentDictionary<Type, Type> ValidatorTypes = new();

    private static Type MakeValidatorType(Type argument) => typeof(IValidator<>).MakeGenericType(argument);

    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        foreach (var argument in context.ActionArguments.Values)
        {
            if (argument is null || services.GetService(ValidatorTypes.GetOrAdd(argument.GetType(), MakeValidatorType)) is not IValidator validator)
            {
                continue;
            }

            var validation = new ValidationContext<object>(argument);
            context.HttpContext.RequestServices.GetRequiredService<ModelConfigCache>().AttachTo(validation);
            var result = await validator.ValidateAsync(validation, context.HttpContext.RequestAborted).ConfigureAwait(false);
            if (!result.IsValid)
            {
                foreach (var error in result.Errors)
                {
                    context.ModelState.AddModelError(JsonPath.FromPropertyPath(error.PropertyName), error.ErrorMessage);
                }

                context.Result = ProblemFactory.ValidationResult(context.ModelState);
                return;
            }
        }

        await next().ConfigureAwait(false);
    }
}
