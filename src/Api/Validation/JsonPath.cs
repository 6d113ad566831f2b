namespace Sizing.Api.Validation;

/// <summary>Turns validator and binder paths into the JSON paths callers send (camelCase, dots, indexes).</summary>
public static class JsonPath
{
    /// <summary><c>Hardware.Gpus[0]</c> → <c>hardware.gpus[0]</c>; <c>$.workload.inputTokens</c> → <c>workload.inputTokens</c>.</summary>
    public static string FromPropertyPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path == "$" ? string.Empty : path;
        var segments = trimmed.Split('.', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('.', segments.Select(s => s.Length > 0 && char.IsUpper(s[0]) ? char.ToLowerInvariant(s[0]) + s[1..] : s));
    }
}
