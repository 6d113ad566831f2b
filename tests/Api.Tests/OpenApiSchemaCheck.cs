using System.Text.Json;

namespace Sizing.Api.Tests;

/// <summary>Checks a JSON value against a schema of the service's OpenAPI 3.1 document, as a strict generated client would.</summary>
/// <remarks>
/// What NSwag's and Kiota's clients rely on: required properties are present, null only where the schema allows the null type,
/// types and enum values match, and objects with <c>additionalProperties: false</c> carry no unknown field.
/// </remarks>
internal sealed class OpenApiSchemaCheck(JsonElement document)
{
    private readonly List<string> _problems = [];

    public JsonElement Schema(string name) => document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    /// <summary>Every way <paramref name="value"/> breaks <paramref name="schema"/>, as "path: problem".</summary>
    public IReadOnlyList<string> Problems(JsonElement value, JsonElement schema)
    {
        _problems.Clear();
        Check(value, schema, "$");
        return [.. _problems];
    }

    /// <summary>The schema a property schema points at, through <c>$ref</c> or a <c>oneOf</c> of one schema and null.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Schema(reference.GetString()!.Split('/')[^1]);
        }

        return schema.TryGetProperty("oneOf", out var one) && one.EnumerateArray().Where(s => !IsNullType(s)).ToList() is [var only]
            ? Resolve(only)
            : schema;
    }

    /// <summary>Whether null is allowed: <c>type</c> lists "null", or a <c>oneOf</c> branch is the null type.</summary>
    public static bool IsNullable(JsonElement schema) =>
        (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "null"))
        || (schema.TryGetProperty("oneOf", out var one) && one.EnumerateArray().Any(IsNullType));

    private static bool IsNullType(JsonElement schema) => schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null";

    private void Check(JsonElement value, JsonElement schema, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!IsNullable(schema) && !IsNullable(Resolve(schema)))
            {
                _problems.Add($"{path}: null, but the schema is not nullable");
            }

            return;
        }

        schema = Resolve(schema);
        if (schema.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => v.ToString() == value.ToString()))
        {
            _problems.Add($"{path}: '{value}' is not one of the schema's enum values");
        }

        var type = !schema.TryGetProperty("type", out var t) ? null
            : t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(e => e.GetString()).First(n => n != "null")
            : t.GetString();
        switch (type)
        {
            case "object":
                CheckObject(value, schema, path);
                break;
            case "array" when value.ValueKind != JsonValueKind.Array:
                _problems.Add($"{path}: expected an array, got {value.ValueKind}");
                break;
            case "array":
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(item, schema.GetProperty("items"), $"{path}[{index++}]");
                }

                break;
            case "string" when value.ValueKind != JsonValueKind.String:
            case "boolean" when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
            case "number" when value.ValueKind != JsonValueKind.Number:
            case "integer" when value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out _):
                _problems.Add($"{path}: expected {type}, got {value.ValueKind} {value}");
                break;
        }
    }

    private void CheckObject(JsonElement value, JsonElement schema, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            _problems.Add($"{path}: expected an object, got {value.ValueKind}");
            return;
        }

        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!).Where(n => !value.TryGetProperty(n, out _)))
            {
                _problems.Add($"{path}.{name}: required, but missing");
            }
        }

        foreach (var field in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(field.Name, out var propertySchema))
            {
                Check(field.Value, propertySchema, $"{path}.{field.Name}");
            }
            else if (schema.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.Object)
            {
                Check(field.Value, extra, $"{path}.{field.Name}");
            }
            else if (schema.TryGetProperty("additionalProperties", out var allowed) && allowed.ValueKind == JsonValueKind.False)
            {
                _problems.Add($"{path}.{field.Name}: not in the schema");
            }
        }
    }
}
