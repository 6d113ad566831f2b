using System.Text.Json;

namespace Sizing.Domain.Tests.Recommendation;

/// <summary>Checks a launch command against the flags its engine documents (TestData/engine-flags.json, with the source of each list).</summary>
internal static class EngineFlags
{
    private static readonly JsonElement Specs = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "engine-flags.json"))).RootElement;

    /// <summary>The served model and every way the command departs from the documented flags (empty when none). A split plan's
    /// command is one line per process: prefill instance, decode instance, router (vllm-router, sglang_router, trtllm-serve
    /// disaggregated), each checked against its own documented flags.</summary>
    public static (string Model, List<string> Problems, Dictionary<string, string> Values) Check(string engine, string command)
    {
        var lines = command.Split('\n');
        if (lines.Length == 1)
        {
            return CheckLine(engine, command);
        }

        var problems = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var model = "";
        foreach (var line in lines)
        {
            var launch = line.Contains(" && ", StringComparison.Ordinal) ? line[(line.IndexOf(" && ", StringComparison.Ordinal) + 4)..] : line;
            var spec = RouterSpecs.FirstOrDefault(r => r.Engine == engine && launch.StartsWith(r.Command + " ", StringComparison.Ordinal)).Spec ?? engine;
            var (lineModel, lineProblems, lineValues) = CheckLine(spec, line);
            model = model.Length == 0 ? lineModel : model;
            problems.AddRange(lineProblems.Select(p => $"{spec}: {p}"));
            foreach (var (key, value) in lineValues)
            {
                values.TryAdd(key, value);
            }
        }

        return (model, problems, values);
    }

    private static readonly (string Engine, string Command, string Spec)[] RouterSpecs =
    [
        ("vllm", "vllm-router", "vllm-router"),
        ("sglang", "python -m sglang_router.launch_router", "sglang-router"),
        ("trtllm", "trtllm-serve disaggregated", "trtllm-disaggregated"),
    ];

    private static (string Model, List<string> Problems, Dictionary<string, string> Values) CheckLine(string engine, string command)
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
        var takesModel = !RouterSpecs.Any(r => r.Spec == engine);
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal))
            {
                if (i == 0 && model.Length == 0 && takesModel)
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

        // Keys nest by two-space indentation; "- item" lines are list entries of the key above them (path "key[]").
        var lines = printf.Split('\'').Where((_, i) => i % 2 == 1).Skip(1).ToList();
        var path = new List<string>();
        foreach (var line in lines)
        {
            var depth = (line.Length - line.TrimStart(' ').Length) / 2;
            var text = line.Trim();
            string key;
            string value;
            if (text.StartsWith("- ", StringComparison.Ordinal))
            {
                key = string.Join('.', path.Take(depth)) + "[]";
                value = text[2..].Trim();
            }
            else
            {
                var parts = text.Split(':', 2);
                path.RemoveRange(Math.Min(depth, path.Count), path.Count - Math.Min(depth, path.Count));
                path.Add(parts[0]);
                value = parts[1].Trim();
                if (value.Length == 0)
                {
                    continue;
                }

                key = string.Join('.', path);
            }

            values[key] = value;
            if (!keys.TryGetProperty(key, out var allowed)
                || (allowed.ValueKind != JsonValueKind.Null && !allowed.EnumerateArray().Any(a => a.GetString() == value)))
            {
                problems.Add($"YAML {key}: {value} is not documented");
            }
        }
    }
}
