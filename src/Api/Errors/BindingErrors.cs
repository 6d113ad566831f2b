using Microsoft.AspNetCore.Mvc;
using Sizing.Api.Validation;

namespace Sizing.Api.Errors;

/// <summary>Rewrites model-binding failures (malformed JSON, wrong types, unknown fields) as problem+json keyed by JSON path.</summary>
public static class BindingErrors
{
    public static IActionResult ToProblem(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cleaned = new Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary();
        // The binder adds "the request field is required" after any body error; keep it only when it is the sole error.
        var entries = context.ModelState.Where(e => e.Value is { Errors.Count: > 0 }).Select(e => (e.Key, Errors: e.Value!.Errors)).ToList();
        var bodyErrors = entries.Where(e => e.Key is not ("request" or "config" or "")).ToList();
        foreach (var (key, errors) in bodyErrors.Count > 0 ? bodyErrors : entries)
        {
            foreach (var error in errors)
            {
                var field = JsonPath.FromPropertyPath(key);
                cleaned.AddModelError(field.Length == 0 || field == "request" ? "$" : field, Describe(error));
            }
        }

        return ProblemFactory.ValidationResult(cleaned);
    }

    private static string Describe(Microsoft.AspNetCore.Mvc.ModelBinding.ModelError error)
    {
        var message = error.Exception?.Message ?? error.ErrorMessage;
        if (message.StartsWith(EnumTextConverter.MessagePrefix, StringComparison.Ordinal))
        {
            return message;
        }

        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "unknown field; see the schema at /swagger for the fields this endpoint accepts.";
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return "wrong type for this field (numbers must be finite JSON numbers, names must be strings); see /swagger.";
        }

        if (message.Contains("field is required", StringComparison.Ordinal) || message.Contains("non-empty request body", StringComparison.Ordinal))
        {
            return "a JSON request body is required.";
        }

        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return "the JSON is nested too deeply (at most 64 levels).";
        }

        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return "malformed JSON: " + (cut > 0 ? message[..cut] : message);
    }
}
