using System.Globalization;
using System.Text.Json;
using Sizing.Domain.Catalog;
using Sizing.Domain.Fidelity;
using Sizing.Fidelity;

// Predicts every measured case through the domain services and reports absolute percentage error per metric family,
// in sample and cross-validated (leave one source out).
// Usage: dotnet run --project benchmarks/Fidelity -c Release [-- cases.csv ...] [--worst N] [--fit] [--write-bands]
// Without files it reads every tests/Domain.Tests/TestData/cases-*.csv.
//   --fit          refit every fitted constant on all rows and per held-out source (minutes); with the default sets it writes
//                  src/Domain/Fidelity/Data/fits.json and benchmarks/Fidelity/cv-fits.json
//   --write-bands  write src/Domain/Fidelity/Data/error-bands.json from the cross-validated errors
//   --sources      print the sets and their source documents as the markdown table docs/calibration.md carries
//   --predictions FILE  write every row's in-sample and held-out prediction as CSV (to study the misses)
// Without --fit the figures come from the committed fits, each row predicted by a fit that excludes its source.
var worst = 15;
var fit = false;
var writeBands = false;
var sources = false;
string? predictions = null;
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
        case "--predictions" when i + 1 < args.Length:
            predictions = args[++i];
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

var cv = CrossValidation.Replay(rows, catalog, all, folds);
Console.WriteLine();
Console.Write(FidelityReport.Render(cv, worst));
if (predictions is not null)
{
    Write(predictions, FidelityReport.PredictionsCsv(cv));
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
