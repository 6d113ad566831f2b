using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Sizing.Api.Contracts;

/// <summary>The contract's kebab-case names of domain enums (taken from their JSON member names), both ways.</summary>
public static class EnumText
{
    public static string Of<T>(T value) where T : struct, Enum => Names<T>.ToText[value];

    public static T Parse<T>(string text) where T : struct, Enum => Names<T>.FromText[text];

    public static bool IsValid<T>(string? text) where T : struct, Enum => text is not null && Names<T>.FromText.ContainsKey(text);

    /// <summary>The accepted values, for error messages and documentation.</summary>
    public static string Values<T>() where T : struct, Enum => string.Join(" | ", Names<T>.ToText.Values.Order(StringComparer.Ordinal));

    private static class Names<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ToText = Enum.GetValues<T>().ToFrozenDictionary(
            v => v,
            v => typeof(T).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? v.ToString().ToLowerInvariant());

        public static readonly FrozenDictionary<string, T> FromText = ToText.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
