using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Sizing.Api.Infrastructure;

/// <summary>Serves every problem an action returns as <c>application/problem+json</c> and counts validation failures.</summary>
/// <remarks>
/// Runs innermost (after controller-level <c>[Produces("application/json")]</c>, which would otherwise replace the problem's
/// content type) and whichever path produced the problem: the binder, the validation filter or the action itself.
/// </remarks>
public sealed class ProblemResultFilter(SizingMetrics metrics) : IAlwaysRunResultFilter
{
    /// <summary>The filter order to register it with: last, so it runs after every other result filter has set content types.</summary>
    public const int Order = int.MaxValue;

    public void OnResultExecuting(ResultExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Result is not ObjectResult { Value: ProblemDetails problem } result)
        {
            return;
        }

        result.ContentTypes.Clear();
        result.ContentTypes.Add("application/problem+json");
        if (problem is ValidationProblemDetails)
        {
            metrics.RecordValidationFailure(context.ActionDescriptor.AttributeRouteInfo?.Template ?? "unknown");
        }
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
