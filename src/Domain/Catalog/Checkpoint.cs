using System.Text.Json;
using Sizing.Domain.Architecture;
using Sizing.Domain.Deployment;

namespace Sizing.Domain.Catalog;

/// <summary>A published checkpoint of a catalog model in one weight format.</summary>
/// <param name="Model">Catalog model id it is a release of.</param>
/// <param name="Repository">Hugging Face repository, <c>owner/name</c>.</param>
/// <param name="Format">How its linears are stored, as its config.json quantization_config declares.</param>
/// <param name="QuantMethod">config.json <c>quantization_config.quant_method</c> (fp8, compressed-tensors, modelopt, mxfp4,
/// awq, gptq, quark); null for a 16-bit checkpoint.</param>
/// <param name="KvCache">KV-cache format the checkpoint carries scales for, where it states one.</param>
/// <param name="Vendor">GPU vendor it targets (amd for Quark releases made for ROCm); null = any.</param>
/// <param name="Source">Where the repository and its format were read.</param>
public sealed record Checkpoint(
    string Model,
    string Repository,
    WeightFormat Format,
    string Source,
    string? QuantMethod = null,
    Precision? KvCache = null,
    string? Vendor = null)
{
    /// <summary>Whether a plan at <paramref name="weights"/> on a <paramref name="vendor"/> GPU loads this checkpoint.</summary>
    /// <remarks>A checkpoint whose experts ship in MXFP4 (gpt-oss) also serves the 16-bit reading of the model: its other
    /// linears are 16-bit and the engines keep the experts as shipped.</remarks>
    public bool Serves(ModelArchitecture model, Precision weights, string vendor)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Vendor is { } target && target != vendor)
        {
            return false;
        }

        return Format.Precision() == weights
            || (Format == WeightFormat.Bf16 && weights == Precision.Fp16)
            || (Format == WeightFormat.Mxfp4 && model.NativeExpertPrecision == Precision.Fp4 && weights.IsSixteenBitOrWider());
    }
}

/// <summary>The on-disk shape of the checkpoint catalog.</summary>
public sealed record CheckpointCatalogDocument(IReadOnlyList<Checkpoint> Checkpoints);

/// <summary>The checkpoints users serve, per catalog model, in catalog order (the first that fits a plan is the one it names).</summary>
public sealed class CheckpointCatalog
{
    private readonly Dictionary<string, List<Checkpoint>> _byModel;

    private CheckpointCatalog(IReadOnlyList<Checkpoint> checkpoints)
    {
        All = checkpoints;
        _byModel = checkpoints.GroupBy(c => c.Model, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    public IReadOnlyList<Checkpoint> All { get; }

    /// <summary>The embedded catalog, parsed once.</summary>
    public static CheckpointCatalog BuiltIn { get; } = Load();

    public IReadOnlyList<Checkpoint> For(string modelId) => _byModel.TryGetValue(modelId, out var list) ? list : [];

    /// <summary>The checkpoints in <paramref name="json"/>, or the problems that stop them being used.</summary>
    public static (CheckpointCatalog? Catalog, IReadOnlyList<CatalogProblem> Problems) Parse(string source, string json)
    {
        var problems = new List<CatalogProblem>();
        CheckpointCatalogDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, CatalogJsonContext.Default.CheckpointCatalogDocument);
        }
        catch (JsonException e)
        {
            problems.Add(new CatalogProblem(source, e.Path ?? "$", "$", e.Message));
            return (null, problems);
        }

        var seen = new HashSet<(string, string)>();
        foreach (var checkpoint in document?.Checkpoints ?? [])
        {
            CatalogRules.CheckCheckpoint(source, checkpoint, problems);
            if (!seen.Add((checkpoint.Model, checkpoint.Repository)))
            {
                problems.Add(new CatalogProblem(source, checkpoint.Repository, "repository", "listed twice for the same model."));
            }
        }

        return problems.Count > 0 ? (null, problems) : (new CheckpointCatalog(document?.Checkpoints ?? []), problems);
    }

    private static CheckpointCatalog Load()
    {
        var (catalog, problems) = Parse("checkpoints.json", HardwareCatalog.ReadResource("checkpoints.json"));
        return catalog ?? throw new InvalidOperationException("The embedded checkpoint catalog is invalid: " + string.Join("; ", problems));
    }
}
