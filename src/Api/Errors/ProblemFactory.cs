using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Sizing.Api.Errors;

/// <summary>Builds RFC 9457 bodies with the request's trace id, so a caller's report matches our logs.</summary>
public static class ProblemFactory
{
    public static ValidationProblemDetails Validation(HttpContext context, ModelStateDictionary modelState)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = new ValidationProblemDetails(modelState)
        {
            Title = "One or more fields are invalid.",
            Status = StatusCodes.Status400BadRequest,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            Instance = context.Request.Path,
        };
        problem.Extensions["traceId"] = TraceId(context);
        return problem;
    }

    public static ProblemDetails NotFound(HttpContext context, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = new ProblemDetails
        {
            Title = "Not found.",
            Status = StatusCodes.Status404NotFound,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            Detail = detail,
            Instance = context.Request.Path,
        };
        problem.Extensions["traceId"] = TraceId(context);
        return problem;
    }

    /// <summary>A 400 result whose body is served as application/problem+json.</summary>
    public static ObjectResult ValidationResult(HttpContext context, ModelStateDictionary modelState) =>
        new BadRequestObjectResult(Validation(context, modelState)) { ContentTypes = { "application/problem+json" } };

    /// <summary>A 404 result whose body is served as application/problem+json.</summary>
    public static ObjectResult NotFoundResult(HttpContext context, string detail) =>
        new NotFoundObjectResult(NotFound(context, detail)) { ContentTypes = { "application/problem+json" } };

    public static string TraceId(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Activity.Current?.Id ?? context.TraceIdentifier;
    }
}
