using System.Text.Json.Serialization;

namespace Sizing.Domain.Fidelity;

/// <summary>The embedded fit and band files, read here and written by benchmarks/Fidelity in the same shape.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(FitDocument))]
[JsonSerializable(typeof(ErrorBandDocument))]
public sealed partial class FidelityJsonContext : JsonSerializerContext;
