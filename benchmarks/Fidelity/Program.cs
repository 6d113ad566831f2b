using Sizing.Domain.Catalog;
using Sizing.Fidelity;

// Predicts every measured case through the domain services and reports absolute percentage error per metric family.
// Usage: dotnet run --project benchmarks/Fidelity -c Release [-- cases.csv ...] [--worst N] [--tune] [--dump predictions.csv] [--explain id-prefix] [--set Name=value | engine.Name=value] [--as-user]
var worst = 15;
var tune = false;
string? dump = null;
string? explain = null;
var asUser = false;
var assumptions = Sizing.Domain.Performance.PerformanceAssumptions.Default;
var files = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--worst" && i + 1 < args.Length)
    {
        worst = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--dump" && i + 1 < args.Length)
    {
        dump = args[++i];
    }
    else if (args[i] == "--explain" && i + 1 < args.Length)
    {
        explain = args[++i];
    }
    else if (args[i] == "--set" && i + 1 < args.Length)
    {
        assumptions = ConstantSettings.Apply(assumptions, args[++i]);
    }
    else if (args[i] == "--as-user")
    {
        asUser = true;
    }
    else if (args[i] == "--tune")
    {
        tune = true;
    }
    else
    {
        files.Add(args[i]);
    }
}

if (files.Count == 0)
{
    files.Add(Path.Combine(AppContext.BaseDirectory, "cases-public.csv"));
}

var rows = new List<CaseRow>();
foreach (var file in files)
{
    using var reader = new StreamReader(file);
    rows.AddRange(CaseCsv.Read(reader));
}

if (tune)
{
    // Calibration aid: prints the profile each engine's cases favour; a person copies it into PerformanceAssumptions.
    foreach (var engine in new[] { Sizing.Domain.Deployment.Engine.Trtllm, Sizing.Domain.Deployment.Engine.Lmdeploy, Sizing.Domain.Deployment.Engine.Generic })
    {
        Tuner.Tune(rows, HardwareCatalog.BuiltIn, engine, Console.Out);
    }

    return;
}

if (explain is not null)
{
    foreach (var row in rows.Where(r => r.Id.StartsWith(explain, StringComparison.Ordinal)))
    {
        Console.WriteLine(CasePredictor.Explain(row, HardwareCatalog.BuiltIn, assumptions, asUser));
    }

    return;
}

var predictions = rows.Select(row => CasePredictor.Predict(row, HardwareCatalog.BuiltIn, assumptions, asUser)).ToList();

if (dump is not null)
{
    File.WriteAllText(dump, FidelityReport.Csv(predictions));
}

Console.WriteLine($"{predictions.Count} cases from {string.Join(", ", files.Select(Path.GetFileName))}");
Console.Write(FidelityReport.Render(predictions, worst));
