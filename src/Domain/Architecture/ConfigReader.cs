using System.Text.Json;
using static Sizing.Domain.InvariantText;

namespace Sizing.Domain.Architecture;

/// <summary>Reads fields of one Hugging Face config object, collecting what is missing, malformed or beyond its
/// <see cref="ConfigBound"/> instead of throwing.</summary>
internal sealed class ConfigReader(JsonElement element, string path, List<ConfigProblem> problems)
{
    public string Path => path;

    public bool HasProblems => problems.Count > 0;

    public ConfigReader? Child(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? new ConfigReader(value, $"{path}.{name}", problems)
            : null;

    public string? String(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The string entries of a per-layer list; a list longer than <paramref name="layers"/> is recorded as a problem.</summary>
    public IReadOnlyList<string> Strings(string name, int layers)
    {
        if (List(name, layers) is not { } value)
        {
            return [];
        }

        return [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)];
    }

    /// <summary>A per-layer list of integers; longer than <paramref name="layers"/>, or not integers, is recorded as a problem.</summary>
    public IReadOnlyList<int> Integers(string name, int layers)
    {
        if (List(name, layers) is not { } value)
        {
            return [];
        }

        var result = new List<int>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var number))
            {
                Problem(name, $"'{name}' must list integers.");
                return [];
            }

            result.Add(number);
        }

        return result;
    }

    /// <summary>A set of layer indexes, each in [0, <paramref name="layers"/>); anything else is recorded as a problem.</summary>
    public HashSet<int> LayerIndexes(string name, int layers)
    {
        var indexes = Integers(name, layers);
        if (indexes.Any(i => i < 0 || i >= layers))
        {
            Problem(name, Invariant($"'{name}' must list layer indexes from 0 to {layers - 1} (num_hidden_layers is {layers})."));
            return [];
        }

        return [.. indexes];
    }

    /// <summary>The first of <paramref name="names"/> present as an integer in [1, bound]; records a problem when none is.</summary>
    public int Required(ConfigBound bound, params string[] names)
    {
        if (Optional(bound, names) is { } found)
        {
            return found;
        }

        if (!names.Any(Present))
        {
            problems.Add(new ConfigProblem($"{path}.{names[0]}", names.Length == 1
                ? $"'{names[0]}' is required and must be a positive integer."
                : $"one of {string.Join(", ", names.Select(n => $"'{n}'"))} is required and must be a positive integer."));
        }

        return 1;
    }

    /// <summary>The first of <paramref name="names"/> present as an integer in [1, bound], or null (a malformed or
    /// out-of-bound value is recorded).</summary>
    public int? Optional(ConfigBound bound, params string[] names)
    {
        foreach (var name in names)
        {
            if (!Present(name))
            {
                continue;
            }

            var value = element.GetProperty(name);
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
                && number >= 1 && number <= bound.Max && Math.Floor(number) == number)
            {
                return (int)number;
            }

            problems.Add(new ConfigProblem($"{path}.{name}", Invariant($"'{name}' must be a positive integer no larger than {bound.Max:N0} ({bound.Why}).")));
            return null;
        }

        return null;
    }

    /// <summary>An integer in [0, bound] (0 allowed), or null when absent.</summary>
    public int? OptionalCount(string name, ConfigBound bound)
    {
        if (!Present(name))
        {
            return null;
        }

        var value = element.GetProperty(name);
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 0 && number <= bound.Max)
        {
            return number;
        }

        problems.Add(new ConfigProblem($"{path}.{name}", Invariant($"'{name}' must be an integer from 0 to {bound.Max:N0} ({bound.Why}).")));
        return null;
    }

    public bool? Bool(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    public void Problem(string field, string message) => problems.Add(new ConfigProblem($"{path}.{field}", message));

    private bool Present(string name) => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>The array under <paramref name="name"/> when it has at most <paramref name="layers"/> entries (counted without reading them).</summary>
    private JsonElement? List(string name, int layers)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        if (value.GetArrayLength() > layers)
        {
            Problem(name, Invariant($"'{name}' lists {value.GetArrayLength():N0} entries but the model has {layers} layers."));
            return null;
        }

        return value;
    }

}

/// <summary>Something in a config the resolver cannot use, with the JSON path of the field.</summary>
public sealed record ConfigProblem(string Field, string Message);
