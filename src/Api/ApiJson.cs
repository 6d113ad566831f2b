using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sizing.Api;

/// <summary>The JSON conventions of the contract: camelCase, strict numbers, unknown fields rejected, enums as kebab-case names.</summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.MaxDepth = 64;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new EnumTextConverter());
    }
}
