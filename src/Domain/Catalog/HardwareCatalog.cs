using System.Collections.Frozen;
using System.Text.Json;
using Sizing.Domain.Architecture;

namespace Sizing.Domain.Catalog;

/// <summary>A problem with a catalog file, naming the entry and field so an operator can fix it.</summary>
public sealed record CatalogProblem(string Source, string Entry, string Field, string Message)
{
    public override string ToString() => $"{Source}: {Entry}: {Field}: {Message}";
}

/// <summary>The GPUs and models the service knows, looked up by id.</summary>
/// <remarks>The built-in entries ship as embedded JSON; operators may layer override files on top (same id replaces).</remarks>
public sealed class HardwareCatalog
{
    private readonly FrozenDictionary<string, GpuSpec> _gpus;
    private readonly FrozenDictionary<string, ModelSpec> _models;

    private HardwareCatalog(IEnumerable<GpuSpec> gpus, IEnumerable<ModelSpec> models)
    {
        Gpus = [.. gpus];
        Models = [.. models];
        _gpus = Gpus.ToFrozenDictionary(g => g.Id, StringComparer.Ordinal);
        _models = Models.ToFrozenDictionary(m => m.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<GpuSpec> Gpus { get; }

    public IReadOnlyList<ModelSpec> Models { get; }

    /// <summary>The embedded catalog, parsed once.</summary>
    public static HardwareCatalog BuiltIn { get; } = LoadBuiltIn();

    public GpuSpec? FindGpu(string id) => _gpus.GetValueOrDefault(id);

    public ModelSpec? FindModel(string id) => _models.GetValueOrDefault(id);

    /// <summary>This catalog with the entries of override documents added or replacing same-id entries.</summary>
    /// <param name="gpuDocuments">Each override document's name (for messages) and JSON text.</param>
    /// <param name="modelDocuments">Same, for models.</param>
    public CatalogBuild WithOverrides(
        IEnumerable<(string Name, string Json)> gpuDocuments,
        IEnumerable<(string Name, string Json)> modelDocuments)
    {
        ArgumentNullException.ThrowIfNull(gpuDocuments);
        ArgumentNullException.ThrowIfNull(modelDocuments);
        var problems = new List<CatalogProblem>();
        var gpus = Gpus.ToDictionary(g => g.Id, StringComparer.Ordinal);
        var models = Models.ToDictionary(m => m.Id, StringComparer.Ordinal);
        foreach (var (name, json) in gpuDocuments)
        {
            foreach (var gpu in ParseGpus(name, json, problems))
            {
                gpus[gpu.Id] = gpu;
            }
        }

        foreach (var (name, json) in modelDocuments)
        {
            foreach (var model in ParseModels(name, json, problems))
            {
                models[model.Id] = model;
            }
        }

        return problems.Count > 0
            ? new CatalogBuild(null, problems)
            : new CatalogBuild(new HardwareCatalog(gpus.Values.OrderBy(g => g.Id, StringComparer.Ordinal), models.Values.OrderBy(m => m.Id, StringComparer.Ordinal)), []);
    }

    private static HardwareCatalog LoadBuiltIn()
    {
        var problems = new List<CatalogProblem>();
        var gpus = ParseGpus("gpus.json", ReadResource("gpus.json"), problems);
        var models = ParseModels("models.json", ReadResource("models.json"), problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The embedded catalog is invalid: " + string.Join("; ", problems));
        }

        return new HardwareCatalog(gpus, models);
    }

    internal static string ReadResource(string file)
    {
        using var stream = EmbeddedResource.Open($"Sizing.Domain.Catalog.{file}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static List<GpuSpec> ParseGpus(string source, string json, List<CatalogProblem> problems)
    {
        GpuCatalogDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, CatalogJsonContext.Default.GpuCatalogDocument);
        }
        catch (JsonException e)
        {
            problems.Add(new CatalogProblem(source, e.Path ?? "$", "$", e.Message));
            return [];
        }

        var result = new List<GpuSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gpu in document?.Gpus ?? [])
        {
            var before = problems.Count;
            CatalogRules.CheckGpu(source, gpu, problems);
            if (!seen.Add(gpu.Id))
            {
                problems.Add(new CatalogProblem(source, gpu.Id, "id", "duplicate id in this file."));
            }

            if (problems.Count == before)
            {
                result.Add(gpu);
            }
        }

        return result;
    }

    private static List<ModelSpec> ParseModels(string source, string json, List<CatalogProblem> problems)
    {
        ModelCatalogDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, CatalogJsonContext.Default.ModelCatalogDocument);
        }
        catch (JsonException e)
        {
            problems.Add(new CatalogProblem(source, e.Path ?? "$", "$", e.Message));
            return [];
        }

        var result = new List<ModelSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in document?.Models ?? [])
        {
            var before = problems.Count;
            CatalogRules.CheckModelEntry(source, entry, problems);
            if (!seen.Add(entry.Id))
            {
                problems.Add(new CatalogProblem(source, entry.Id, "id", "duplicate id in this file."));
            }

            var resolution = ModelResolver.Resolve(entry.Config);
            foreach (var problem in resolution.Problems)
            {
                problems.Add(new CatalogProblem(source, entry.Id, "config" + problem.Field.TrimStart('$'), problem.Message));
            }

            if (problems.Count == before && resolution.Architecture is { } architecture)
            {
                result.Add(new ModelSpec(entry.Id, entry.Name, entry.HfId, entry.Source, architecture));
            }
        }

        return result;
    }
}

/// <summary>A catalog, or the problems that stopped it being built.</summary>
public sealed record CatalogBuild(HardwareCatalog? Catalog, IReadOnlyList<CatalogProblem> Problems);
