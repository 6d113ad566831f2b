using System.Text.Json;

namespace Sizing.Domain.Architecture;

/// <summary>Reads fields of one Hugging Face config object, collecting what is missing or malformed instead of throwing.</summary>
internal sealed class ConfigReader(JsonElement element, string path, List<ConfigProblem> problems)
{
    public string Path => path;

    public ConfigReader? Child(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? new ConfigReader(value, $"{path}.{name}", problems)
            : null;

    public string? String(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public IReadOnlyList<string> Strings(string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)];
    }

    public IReadOnlyList<int> Integers(string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out _)).Select(v => v.GetInt32())];
    }

    /// <summary>The first of <paramref name="names"/> present as a positive integer; records a problem when none is.</summary>
    public int Required(params string[] names)
    {
        if (Optional(names) is { } found)
        {
            return found;
        }

        problems.Add(new ConfigProblem($"{path}.{names[0]}", names.Length == 1
            ? $"'{names[0]}' is required and must be a positive integer."
            : $"one of {string.Join(", ", names.Select(n => $"'{n}'"))} is required and must be a positive integer."));
        return 1;
    }

    /// <summary>The first of <paramref name="names"/> present as a positive integer, or null (a malformed value is recorded).</summary>
    public int? Optional(params string[] names)
    {
        foreach (var name in names)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
                && number >= 1 && number <= 1e9 && Math.Floor(number) == number)
            {
                return (int)number;
            }

            problems.Add(new ConfigProblem($"{path}.{name}", $"'{name}' must be a positive integer no larger than 1e9."));
            return null;
        }

        return null;
    }

    /// <summary>A non-negative integer (0 allowed), or null when absent.</summary>
    public int? OptionalCount(string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 0)
        {
            return number;
        }

        problems.Add(new ConfigProblem($"{path}.{name}", $"'{name}' must be a non-negative integer."));
        return null;
    }

    public bool? Bool(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    public void Problem(string field, string message) => problems.Add(new ConfigProblem($"{path}.{field}", message));
}

/// <summary>Something in a config the resolver cannot use, with the JSON path of the field.</summary>
public sealed record ConfigProblem(string Field, string Message);
