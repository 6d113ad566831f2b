using System.Text.Json;
using Sizing.Domain.Architecture;

namespace Sizing.Domain.Catalog;

/// <summary>A catalog entry as stored: the published Hugging Face <c>config.json</c> and where it came from.</summary>
public sealed record ModelEntry(string Id, string Name, string? HfId, string Source, JsonElement Config);

/// <summary>A catalog model with its architecture derived from the stored config.</summary>
public sealed record ModelSpec(string Id, string Name, string? HfId, string Source, ModelArchitecture Architecture);
