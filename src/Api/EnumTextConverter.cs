using System.Text.Json;
using System.Text.Json.Serialization;
using Sizing.Domain;

namespace Sizing.Api;

/// <summary>Binds every enum of the contract as its kebab-case string, through <see cref="EnumText"/>, the one place names live.</summary>
/// <remarks>
/// A request is checked here, once, as it is read: an unknown name fails binding with the accepted values, so validators and
/// mappings receive enum values and never parse text again. Names are matched case-insensitively; numbers are refused
/// (an enum's ordinal is no part of the contract). Swashbuckle serialises each value through this converter, so the OpenAPI
/// document lists the same names as string enums.
/// </remarks>
public sealed class EnumTextConverter : JsonConverterFactory
{
    /// <summary>What a binding error's message starts with, so the problem response can pass it on as is.</summary>
    public const string MessagePrefix = "must be one of ";

    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            return EnumText.Find<T>(text) is { } value
                ? value
                : throw new JsonException($"{MessagePrefix}{EnumText.Values<T>()}; got {(text is null ? reader.TokenType.ToString().ToLowerInvariant() : $"'{text}'")}.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(EnumText.Of(value));
        }
    }
}
