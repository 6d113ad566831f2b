using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Sizing.Domain;

/// <summary>The kebab-case names of domain enums (their JSON member names, as the catalogs and the API contract spell them), both ways.</summary>
/// <remarks>Names are read case-insensitively (callers that sent "BF16" or "vLLM" keep working) and written in their canonical spelling.</remarks>
public static class EnumText
{
    public static string Of<T>(T value) where T : struct, Enum => Names<T>.ToText[value];

    public static T Parse<T>(string text) where T : struct, Enum => Names<T>.FromText[text];

    public static bool IsValid<T>(string? text) where T : struct, Enum => text is not null && Names<T>.FromText.ContainsKey(text);

    /// <summary>The value named <paramref name="text"/>, or null when it names none.</summary>
    public static T? Find<T>(string? text) where T : struct, Enum =>
        text is not null && Names<T>.FromText.TryGetValue(text, out var value) ? value : null;

    /// <summary>The accepted values, for error messages and documentation.</summary>
    public static string Values<T>() where T : struct, Enum => string.Join(" | ", Names<T>.ToText.Values.Order(StringComparer.Ordinal));

    private static class Names<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ToText = Enum.GetValues<T>().ToFrozenDictionary(
            v => v,
            v => typeof(T).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? v.ToString().ToLowerInvariant());

        public static readonly FrozenDictionary<string, T> FromText = ToText.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);
    }
}
