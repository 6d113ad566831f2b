using System.Globalization;
using System.Text.Json;
using Sizing.Domain.Catalog;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Performance;
using Sizing.Fidelity;

// Predicts every measured case through the domain services and reports absolute percentage error per metric family,
// in sample and cross-validated (leave one source out).
// Usage: dotnet run --project benchmarks/Fidelity -c Release [-- cases.csv ...] [--worst N] [--fit] [--write-bands] [--sources]
//        [--dump FILE] [--explain id-prefix] [--set Name=value | engine.Name=value] [--as-user]
// Without files it reads every tests/Domain.Tests/TestData/cases-*.csv.
//   --fit          refit every fitted constant on all rows and per held-out source (minutes); with the default sets it writes
//                  src/Domain/Fidelity/Data/fits.json and benchmarks/Fidelity/cv-fits.json
//   --write-bands  write src/Domain/Fidelity/Data/error-bands.json from the cross-validated errors
//   --sources      print the sets and their source documents as the markdown table docs/calibration.md carries
//   --dump FILE    write every row's in-sample and held-out prediction as CSV (to study the misses)
//   --explain ID   spell out the estimate behind the rows whose id starts with ID (in sample)
//   --set S        try a performance constant (PerformanceAssumptions name, or engine.EngineProfile name) on top of the fits;
//                  a fitted constant set this way is no longer held out, so the figures are exploratory
//   --as-user      predict concurrency rows as a user who knows only the contract: N clients and continuous batching, no run
//                  length (the measured sets outside the repository are scored this way); the fits are unchanged
// Without --fit the figures come from the committed fits, each row predicted by a fit that excludes its source.
var worst = 15;
var fit = false;
var writeBands = false;
var sources = false;
string? dump = null;
string? explain = null;
var settings = new List<string>();
var asUser = false;
var files = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--worst" when i + 1 < args.Length:
            worst = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--fit":
            fit = true;
            break;
        case "--write-bands":
            writeBands = true;
            break;
        case "--sources":
            sources = true;
            break;
        case "--dump" when i + 1 < args.Length:
            dump = args[++i];
            break;
        case "--explain" when i + 1 < args.Length:
            explain = args[++i];
            break;
        case "--set" when i + 1 < args.Length:
            settings.Add(args[++i]);
            break;
        case "--as-user":
            asUser = true;
            break;
        default:
            files.Add(args[i]);
            break;
    }
}

var defaultSets = files.Count == 0;
if (defaultSets)
{
    files.AddRange(CaseSets.Files(CaseSets.DefaultFolder));
}

var rows = CaseSets.Read(files);
if (sources)
{
    Console.Write(CaseSets.SourceTable(files));
    return 0;
}

var catalog = HardwareCatalog.BuiltIn;
EstimatorAssumptions Adjust(EstimatorAssumptions a) =>
    a with { Performance = settings.Aggregate(a.Performance, ConstantSettings.Apply) };

if (explain is not null)
{
    foreach (var row in rows.Where(r => r.Id.StartsWith(explain, StringComparison.Ordinal)))
    {
        Console.WriteLine(CasePredictor.Explain(row, catalog, Adjust(EstimatorAssumptions.Default), asUser));
    }

    return 0;
}

var root = RepositoryPaths.Root;
Console.WriteLine($"{rows.Count} cases from {string.Join(", ", files.Select(Path.GetFileName))}");

FitDocument all;
CvFitDocument folds;
if (fit)
{
    (all, folds) = CrossValidation.Run(rows, catalog, Console.Out);
    if (defaultSets)
    {
        Write(Path.Combine(root, "src", "Domain", "Fidelity", "Data", "fits.json"), JsonSerializer.Serialize(all, FidelityJsonContext.Default.FitDocument) + "\n");
        Write(Path.Combine(root, "benchmarks", "Fidelity", "cv-fits.json"), CrossValidation.Serialize(folds));
    }
}
else
{
    (all, folds) = (FittedConstants.Document, CrossValidation.LoadFolds());
}

var cv = CrossValidation.Replay(rows, catalog, all, folds, settings.Count > 0 ? Adjust : null, asUser);
Console.WriteLine();
if (settings.Count > 0)
{
    Console.WriteLine($"with {string.Join(", ", settings)} on top of the fits (exploratory: a fitted constant set this way is not held out)");
}

Console.Write(FidelityReport.Render(cv, worst));
if (dump is not null)
{
    Write(dump, FidelityReport.PredictionsCsv(cv));
}

if (writeBands)
{
    Write(Path.Combine(root, "src", "Domain", "Fidelity", "Data", "error-bands.json"), BandBuilder.Serialize(BandBuilder.Build(cv.HeldOut)));
}

return cv.Problems.Count == 0 ? 0 : 1;

static void Write(string path, string content)
{
    File.WriteAllText(path, content);
    Console.WriteLine($"wrote {path}");
}
