using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.WebUtilities;
using Sizing.Api.Infrastructure;

namespace Sizing.Api.Errors;

/// <summary>The problems controllers answer with, all written by <see cref="IProblemDetailsService"/>.</summary>
/// <remarks>
/// Every error of the service (validation, not found, malformed JSON, 413, 415, 429, 504, 500, unknown routes) goes through
/// <see cref="IProblemDetailsService"/>, whose <see cref="Customize"/> adds the same <c>traceId</c> and <c>instance</c> to each;
/// so a caller's report matches our logs whichever layer refused the request.
/// </remarks>
public static class ProblemFactory
{
    /// <summary>The one customisation every problem gets, wherever it was raised.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        problem.Status ??= context.HttpContext.Response.StatusCode;
        // The framework names only some statuses (not 413 or 429); RFC 9457 §4.2.1: about:blank, titled by the status phrase.
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Type ??= "about:blank";
        problem.Instance ??= context.HttpContext.Request.Path;
        problem.Extensions["traceId"] = TraceId(context.HttpContext);
    }

    /// <summary>A 400 listing each invalid field (JSON path) in <c>errors</c>.</summary>
    public static ProblemResult ValidationResult(ModelStateDictionary modelState) => new(new ValidationProblemDetails(modelState)
    {
        Title = "One or more fields are invalid.",
        Status = StatusCodes.Status400BadRequest,
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    });

    /// <summary>A 404 for a catalog id that names nothing.</summary>
    public static ProblemResult NotFoundResult(string detail) => new(new ProblemDetails
    {
        Title = "Not found.",
        Status = StatusCodes.Status404NotFound,
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        Detail = detail,
    });

    public static string TraceId(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Activity.Current?.Id ?? context.TraceIdentifier;
    }
}

/// <summary>An action result that hands its problem to <see cref="IProblemDetailsService"/> and counts validation failures.</summary>
public sealed class ProblemResult(ProblemDetails problem) : ActionResult
{
    public ProblemDetails Problem { get; } = problem;

    public override async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.HttpContext.RequestServices;
        if (Problem is ValidationProblemDetails)
        {
            services.GetRequiredService<SizingMetrics>().RecordValidationFailure(context.ActionDescriptor.AttributeRouteInfo?.Template ?? "unknown");
        }

        context.HttpContext.Response.StatusCode = Problem.Status ?? StatusCodes.Status500InternalServerError;
        await services.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = Problem,
        }).ConfigureAwait(false);
    }
}
