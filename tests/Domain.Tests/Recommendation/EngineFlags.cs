using System.Text.Json;

namespace Sizing.Domain.Tests.Recommendation;

/// <summary>Checks a launch command against the flags its engine documents (TestData/engine-flags.json, with the source of each list).</summary>
internal static class EngineFlags
{
    private static readonly JsonElement Specs = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "engine-flags.json"))).RootElement;

    /// <summary>The served model and every way the command departs from the documented flags (empty when none).</summary>
    public static (string Model, List<string> Problems, Dictionary<string, string> Values) Check(string engine, string command)
    {
        var spec = Specs.GetProperty(engine);
        var problems = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var launch = command;
        var split = command.IndexOf(" && ", StringComparison.Ordinal);
        if (split >= 0)
        {
            CheckYaml(spec, command[..split], problems, values);
            launch = command[(split + 4)..];
        }

        var prefix = spec.GetProperty("command").GetString()! + " ";
        if (!launch.StartsWith(prefix, StringComparison.Ordinal))
        {
            problems.Add($"does not start with '{prefix}'");
            return ("", problems, values);
        }

        var tokens = launch[prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var flags = spec.GetProperty("flags");
        var model = "";
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal))
            {
                if (i == 0 && model.Length == 0)
                {
                    model = token;
                    continue;
                }

                problems.Add($"stray token '{token}'");
                continue;
            }

            if (!flags.TryGetProperty(token, out var allowed))
            {
                problems.Add($"undocumented flag {token}");
                continue;
            }

            if (allowed.ValueKind == JsonValueKind.String)
            {
                values[token] = "";
                continue;
            }

            var value = i + 1 < tokens.Length ? tokens[++i] : "";
            values[token] = value;
            if (token == "--model-path")
            {
                model = value;
            }

            if (allowed.ValueKind == JsonValueKind.Array && !allowed.EnumerateArray().Any(a => a.GetString() == value))
            {
                problems.Add($"{token} {value} is not among the documented values");
            }
        }

        return (model, problems, values);
    }

    /// <summary>The printf that writes the LLM API options YAML: every key path and value must be documented.</summary>
    private static void CheckYaml(JsonElement spec, string printf, List<string> problems, Dictionary<string, string> values)
    {
        if (!spec.TryGetProperty("yaml", out var keys))
        {
            problems.Add("a YAML preamble for an engine that takes none");
            return;
        }

        var lines = printf.Split('\'').Where((_, i) => i % 2 == 1).Skip(1).ToList();
        string? parent = null;
        foreach (var line in lines)
        {
            var nested = line.StartsWith("  ", StringComparison.Ordinal);
            var parts = line.Trim().Split(':', 2);
            var value = parts[1].Trim();
            if (value.Length == 0)
            {
                parent = parts[0];
                continue;
            }

            var key = nested ? parent + "." + parts[0] : parts[0];
            values[key] = value;
            if (!keys.TryGetProperty(key, out var allowed) || !allowed.EnumerateArray().Any(a => a.GetString() == value))
            {
                problems.Add($"YAML {key}: {value} is not documented");
            }
        }
    }
}
