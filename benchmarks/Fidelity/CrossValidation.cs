using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Serialization;
using Sizing.Domain.Catalog;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Performance;

namespace Sizing.Fidelity;

/// <summary>The fits of one held-out source: every group whose training sources include it, refitted without it.</summary>
public sealed record FoldFits(string HeldOut, IReadOnlyList<GroupFit> Fits);

/// <summary>The cached fold fits (benchmarks/Fidelity/cv-fits.json), written by <c>--fit</c>.</summary>
public sealed record CvFitDocument(string Command, IReadOnlyList<FoldFits> Folds);

/// <summary>In-sample and held-out predictions of every row, and anything that kept a row from being truly held out.</summary>
/// <param name="Problems">Sources or groups without a fit that excludes them; each is a reason the figures are not honest.</param>
public sealed record CrossValidated(IReadOnlyList<Prediction> InSample, IReadOnlyList<Prediction> HeldOut, IReadOnlyList<string> Problems);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    WriteIndented = true)]
[JsonSerializable(typeof(CvFitDocument))]
internal sealed partial class CvJsonContext : JsonSerializerContext;

/// <summary>Leave-one-source-out cross-validation: each source (document) is predicted by fits that never saw it.</summary>
/// <remarks>
/// For each source, every group whose training sources include it and whose constants its rows use is refitted on the other
/// sources, in fitting order, each on the refitted groups it depends on. A group whose training sources do not include the
/// source reuses its fit on all sources: that fit never saw the source, so reusing it is exact, not an approximation. A group
/// whose constants none of the source's rows use (a serving profile, for a source of collective rows) is not refitted: the
/// source's predictions do not depend on it (<see cref="Uses"/>), so its fold would change nothing but the run time. The
/// fold fits are cached in cv-fits.json with the training sources of each; <see cref="Replay"/> predicts every row from
/// fits that exclude its source and reports any row for which none does, so the cached figures stay held out even when the
/// data has moved on.
/// </remarks>
public static class CrossValidation
{
    public const string Command = "dotnet run --project benchmarks/Fidelity -c Release -- --fit --write-bands";

    /// <summary>Fits every group on all rows, then refits per held-out source.</summary>
    public static (FitDocument All, CvFitDocument Folds) Run(IReadOnlyList<CaseRow> rows, HardwareCatalog catalog, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(log);
        var members = FitGroups.All.ToDictionary(g => g.Name, g => rows.Where(r => FitGroups.Of(r, catalog) == g).ToList(), StringComparer.Ordinal);
        var all = FitAll(members, catalog, null, null, log: log);

        var byGroup = all.ToDictionary(f => f.Group, StringComparer.Ordinal);
        var sources = rows.Select(r => r.Document).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var kinds = KindsBySource(rows);
        var folds = new ConcurrentDictionary<string, FoldFits>(StringComparer.Ordinal);

        // Largest folds first, so the last ones to finish are short.
        var order = sources.OrderByDescending(s => rows.Count(r => r.Document == s)).ToList();
        Parallel.ForEach(order, source =>
        {
            var started = DateTime.UtcNow;
            var refitted = FitAll(members, catalog, source, byGroup, kinds[source]);
            folds[source] = new FoldFits(source, refitted);
            lock (log)
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fold {folds.Count}/{sources.Count} '{source}': {refitted.Count} refits in {(DateTime.UtcNow - started).TotalSeconds:0} s"));
            }
        });
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sources.Count} folds, {folds.Values.Sum(f => f.Fits.Count)} refits"));
        return (new FitDocument(Command, all), new CvFitDocument(Command, [.. sources.Select(s => folds[s])]));
    }

    /// <summary>Whether rows of <paramref name="kind"/> are predicted with <paramref name="group"/>'s constants: a collective row uses
    /// only communication constants and a memory row only memory constants (CasePredictor hands each nothing else), a serving
    /// row every group's.</summary>
    public static bool Uses(string kind, string group) => kind switch
    {
        "collective" => group.StartsWith("collective.", StringComparison.Ordinal),
        "memory" => group.StartsWith("memory.", StringComparison.Ordinal),
        "serving" => true,
        _ => false,
    };

    private static Dictionary<string, HashSet<string>> KindsBySource(IReadOnlyList<CaseRow> rows) =>
        rows.GroupBy(r => r.Document, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(r => r.Kind).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>Fits the groups in order; with <paramref name="heldOut"/>, only those whose all-source training includes it and whose
    /// constants its rows (of <paramref name="heldOutKinds"/>) use, without its rows.</summary>
    private static List<GroupFit> FitAll(Dictionary<string, List<CaseRow>> members, HardwareCatalog catalog, string? heldOut, Dictionary<string, GroupFit>? allFits,
        IReadOnlySet<string>? heldOutKinds = null, TextWriter? log = null)
    {
        var assumptions = EstimatorAssumptions.Prior;
        var used = new Dictionary<string, GroupFit>(StringComparer.Ordinal);
        var refits = new List<GroupFit>();
        foreach (var group in FitGroups.All)
        {
            GroupFit fit;
            if (heldOut is null
                || (allFits![group.Name].TrainingSources.Contains(heldOut, StringComparer.Ordinal) && heldOutKinds!.Any(k => Uses(k, group.Name))))
            {
                var training = members[group.Name].Where(r => r.Document != heldOut).ToList();
                var dependencies = group.DependsOn.SelectMany(d => used[d].TrainingSources);
                var started = DateTime.UtcNow;
                fit = Fitter.Fit(group, training, assumptions, dependencies, catalog);
                refits.Add(fit);
                log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{fit.Group}: {fit.RowCount} rows from {fit.Sources.Count} sources in {(DateTime.UtcNow - started).TotalSeconds:0} s: {string.Join(", ", fit.Values.Select(v => $"{v.Key}={v.Value} ({fit.Identifying[v.Key].Count} sources)"))}"));
            }
            else
            {
                fit = allFits[group.Name];
            }

            used[group.Name] = fit;
            assumptions = FittedConstants.Apply(assumptions, fit.Values);
        }

        return refits;
    }

    /// <summary>Predicts every row in sample (the fits on all sources) and held out (fits without the row's source).</summary>
    /// <param name="adjust">Applied to every assumption set after the fits (the fidelity program's <c>--set</c>); null in the gate.</param>
    /// <param name="asUser">Predict concurrency rows as a user sends them (<see cref="CasePredictor.Predict"/>).</param>
    public static CrossValidated Replay(IReadOnlyList<CaseRow> rows, HardwareCatalog catalog, FitDocument all, CvFitDocument folds,
        Func<EstimatorAssumptions, EstimatorAssumptions>? adjust = null, bool asUser = false)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(folds);
        var problems = new List<string>();
        var allFits = all.Groups.ToDictionary(g => g.Group, StringComparer.Ordinal);
        foreach (var missing in FittedParameters.Groups.Where(g => !allFits.ContainsKey(g)))
        {
            problems.Add($"group {missing} has no fit: run {Command}");
        }

        var inSampleAssumptions = FittedConstants.Apply(EstimatorAssumptions.Prior, all.Groups);
        inSampleAssumptions = adjust is null ? inSampleAssumptions : adjust(inSampleAssumptions);
        var foldsBySource = folds.Folds.ToDictionary(f => f.HeldOut, StringComparer.Ordinal);
        var heldOutAssumptions = new Dictionary<string, EstimatorAssumptions>(StringComparer.Ordinal);
        var kinds = KindsBySource(rows);
        foreach (var source in rows.Select(r => r.Document).Distinct(StringComparer.Ordinal))
        {
            var assumptions = EstimatorAssumptions.Prior;
            foreach (var group in all.Groups)
            {
                var fit = group;

                // A group none of the source's rows use cannot move their predictions: its fit on all rows may stand.
                if (group.TrainingSources.Contains(source, StringComparer.Ordinal) && kinds[source].Any(k => Uses(k, group.Group)))
                {
                    fit = foldsBySource.GetValueOrDefault(source)?.Fits.FirstOrDefault(f => f.Group == group.Group);
                    if (fit is null || fit.TrainingSources.Contains(source, StringComparer.Ordinal))
                    {
                        problems.Add($"no fit of {group.Group} excludes '{source}': run {Command}");
                        continue;
                    }
                }

                assumptions = FittedConstants.Apply(assumptions, fit.Values);
            }

            heldOutAssumptions[source] = adjust is null ? assumptions : adjust(assumptions);
        }

        var inSample = rows.Select(r => CasePredictor.Predict(r, catalog, inSampleAssumptions, asUser)).ToList();
        var heldOut = rows.Select(r => CasePredictor.Predict(r, catalog, heldOutAssumptions[r.Document], asUser)).ToList();
        return new CrossValidated(inSample, heldOut, problems);
    }

    public static CvFitDocument ParseFolds(Stream json) =>
        System.Text.Json.JsonSerializer.Deserialize(json, CvJsonContext.Default.CvFitDocument) ?? throw new InvalidDataException("empty cv-fits document");

    public static string Serialize(CvFitDocument folds) => System.Text.Json.JsonSerializer.Serialize(folds, CvJsonContext.Default.CvFitDocument) + "\n";

    /// <summary>The cached fold fits beside the binaries.</summary>
    public static CvFitDocument LoadFolds()
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "cv-fits.json"));
        return ParseFolds(stream);
    }
}
