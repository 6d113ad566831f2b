using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sizing.Api.Tests.Fuzzing;

/// <summary>One generated request: its body, the JSON path of the field it breaks (null when it breaks the whole body).</summary>
public sealed record FuzzRequest(string Body, string? Field, string Mutation)
{
    /// <summary>The body is no longer JSON at <see cref="Field"/> (a token JSON does not have, or nesting past the depth limit).</summary>
    public bool IsInvalidJson => Mutation.StartsWith(RequestMutator.InvalidJsonPrefix, StringComparison.Ordinal);
}

/// <summary>Breaks a valid request body one field at a time, and then at random, from a seeded generator.</summary>
/// <remarks>Raw tokens JSON cannot hold as values (NaN, Infinity, 1e400, deep nesting) are spliced in as text.</remarks>
public static class RequestMutator
{
    public const string InvalidJsonPrefix = "invalid JSON: ";

    private const string RawMarker = "\u0001raw\u0001";

    private static readonly (string Name, Func<JsonNode?> Value)[] Replacements =
    [
        ("null", () => null),
        ("string", () => "text"),
        ("empty string", () => ""),
        ("unknown id", () => "no-such-id-or-value"),
        ("unknown enum value", () => "quantum"),
        ("long string", () => new string('a', 20_000)),
        ("control characters", () => "\u0000\u001f\uFFFF"),
        ("true", () => true),
        ("empty array", () => new JsonArray()),
        ("array of ints", () => new JsonArray(1, 2, 3)),
        ("empty object", () => new JsonObject()),
        ("object", () => new JsonObject { ["value"] = 1 }),
        ("negative", () => -1),
        ("zero", () => 0),
        ("fraction", () => 2.5),
        ("int overflow", () => 2_147_483_648L),
        ("long max", () => long.MaxValue),
        ("huge", () => 1e308),
        ("negative huge", () => -1e308),
        ("denormal", () => 5e-324),
        ("NaN as string", () => "NaN"),
        ("1e400 (beyond double)", () => RawMarker + "1e400"),
        ("deep nesting within the limit", () => RawMarker + new string('[', 40) + new string(']', 40)),
        (InvalidJsonPrefix + "NaN", () => RawMarker + "NaN"),
        (InvalidJsonPrefix + "Infinity", () => RawMarker + "Infinity"),
        (InvalidJsonPrefix + "-Infinity", () => RawMarker + "-Infinity"),
        (InvalidJsonPrefix + "nesting past 64 levels", () => RawMarker + new string('[', 100) + new string(']', 100)),
    ];

    /// <summary>Every replacement at every field, every field removed, and an extra field in every object.</summary>
    public static IEnumerable<FuzzRequest> Systematic(JsonObject valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        foreach (var path in Paths(valid))
        {
            yield return Mutate(valid, path, "removed", (parent, key) => Remove(parent, key));
            foreach (var (name, value) in Replacements)
            {
                yield return Mutate(valid, path, name, (parent, key) => Set(parent, key, value()));
            }
        }

        foreach (var path in Paths(valid).Where(p => Find(valid, p) is JsonObject).Prepend(string.Empty))
        {
            var field = path.Length == 0 ? "unexpectedField" : path + ".unexpectedField";
            var body = valid.DeepClone().AsObject();
            (path.Length == 0 ? body : Find(body, path)!.AsObject())["unexpectedField"] = 1;
            yield return new FuzzRequest(body.ToJsonString(), field, "extra field");
        }
    }

    /// <summary>Random single and double field mutations and broken bodies.</summary>
    public static IEnumerable<FuzzRequest> Random(JsonObject valid, Random random, int count)
    {
        ArgumentNullException.ThrowIfNull(valid);
        ArgumentNullException.ThrowIfNull(random);
        var paths = Paths(valid).ToList();
        var text = valid.ToJsonString();
        for (var i = 0; i < count; i++)
        {
            switch (random.Next(10))
            {
                case 0:
                    yield return new FuzzRequest(text[..random.Next(text.Length)], null, "truncated");
                    break;
                case 1:
                    yield return new FuzzRequest(Garbage(random, text), null, "garbage");
                    break;
                case 2:
                    var body = valid.DeepClone().AsObject();
                    for (var m = 0; m < 2; m++)
                    {
                        var (parentPath, key) = Split(paths[random.Next(paths.Count)]);
                        var parent = parentPath.Length == 0 ? body : Find(body, parentPath);
                        if (parent is JsonObject || (parent is JsonArray list && int.Parse(key, System.Globalization.CultureInfo.InvariantCulture) < list.Count))
                        {
                            Set(parent, key, Replacements[random.Next(Replacements.Length)].Value());
                        }
                    }

                    yield return new FuzzRequest(Splice(body.ToJsonString()), null, "two fields");
                    break;
                default:
                    var (name, value) = Replacements[random.Next(Replacements.Length)];
                    yield return Mutate(valid, paths[random.Next(paths.Count)], name, (p, k) => Set(p, k, value()));
                    break;
            }
        }
    }

    /// <summary>Whole-body cases that name no field.</summary>
    public static IEnumerable<FuzzRequest> BrokenBodies() =>
        new[] { "", " ", "null", "[]", "[{}]", "\"text\"", "42", "{", "}", "{\"a\":}", "{,}", "\u00ef\u00bb\u00bf{}", "{} {}", new string('{', 10_000) }
            .Select(body => new FuzzRequest(body, null, "broken body"));

    private static FuzzRequest Mutate(JsonObject valid, string path, string mutation, Action<JsonNode, string> change)
    {
        var body = valid.DeepClone().AsObject();
        var (parentPath, key) = Split(path);
        change(parentPath.Length == 0 ? body : Find(body, parentPath)!, key);
        return new FuzzRequest(Splice(body.ToJsonString()), path, mutation);
    }

    private static void Set(JsonNode parent, string key, JsonNode? value)
    {
        if (parent is JsonArray array)
        {
            array[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            parent.AsObject()[key] = value;
        }
    }

    private static void Remove(JsonNode parent, string key)
    {
        if (parent is JsonArray array)
        {
            array.RemoveAt(int.Parse(key, System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            parent.AsObject().Remove(key);
        }
    }

    /// <summary>Turns <c>"\u0001raw\u0001TOKEN"</c> string values back into the raw token.</summary>
    private static string Splice(string json)
    {
        var marker = JsonSerializer.Serialize(RawMarker)[..^1];
        int start;
        while ((start = json.IndexOf(marker, StringComparison.Ordinal)) >= 0)
        {
            var end = json.IndexOf('"', start + marker.Length);
            json = string.Concat(json.AsSpan(0, start), json.AsSpan(start + marker.Length, end - start - marker.Length), json.AsSpan(end + 1));
        }

        return json;
    }

    private static string Garbage(Random random, string valid)
    {
        var chars = valid.ToCharArray();
        for (var i = 0; i < 1 + random.Next(5); i++)
        {
            const string Noise = "{}[]\",:\\0x-e.";
            chars[random.Next(chars.Length)] = Noise[random.Next(Noise.Length)];
        }

        return new string(chars);
    }

    private static IEnumerable<string> Paths(JsonNode node, string prefix = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
                    yield return path;
                    foreach (var nested in child is null ? [] : Paths(child, path))
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var path = $"{prefix}[{i}]";
                    yield return path;
                    foreach (var nested in array[i] is { } child ? Paths(child, path) : [])
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }

    private static JsonNode? Find(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Replace("[", ".[", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                JsonArray array when segment.StartsWith('[') && int.Parse(segment[1..^1], System.Globalization.CultureInfo.InvariantCulture) is var i && i < array.Count => array[i],
                JsonObject obj when !segment.StartsWith('[') => obj[segment],
                _ => null,
            };
        }

        return node;
    }

    private static (string Parent, string Key) Split(string path)
    {
        if (path.EndsWith(']'))
        {
            var open = path.LastIndexOf('[');
            return (path[..open], path[(open + 1)..^1]);
        }

        var dot = path.LastIndexOf('.');
        return dot < 0 ? (string.Empty, path) : (path[..dot], path[(dot + 1)..]);
    }
}
