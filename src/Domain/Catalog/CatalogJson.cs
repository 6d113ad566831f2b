using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sizing.Domain.Catalog;

/// <summary>The on-disk shape of a GPU catalog file.</summary>
public sealed record GpuCatalogDocument(IReadOnlyList<GpuSpec> Gpus);

/// <summary>The on-disk shape of a model catalog file.</summary>
public sealed record ModelCatalogDocument(IReadOnlyList<ModelEntry> Models);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    UseStringEnumConverter = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(GpuCatalogDocument))]
[JsonSerializable(typeof(ModelCatalogDocument))]
[JsonSerializable(typeof(CheckpointCatalogDocument))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
