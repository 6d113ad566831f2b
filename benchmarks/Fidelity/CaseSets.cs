namespace Sizing.Fidelity;

/// <summary>The measured sets: every <c>cases-*.csv</c> of a folder (tests/Domain.Tests/TestData), or files named on the command line.</summary>
public static class CaseSets
{
    /// <summary>Where the program and the tests find the sets: TestData beside the binaries.</summary>
    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "TestData");

    /// <summary>The set files of <paramref name="folder"/>, in name order (so row order, and every figure, is reproducible).</summary>
    public static IReadOnlyList<string> Files(string folder) =>
        [.. Directory.EnumerateFiles(folder, "cases-*.csv").Order(StringComparer.Ordinal)];

    public static IReadOnlyList<CaseRow> Read(IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var rows = new List<CaseRow>();
        foreach (var file in files)
        {
            using var reader = new StreamReader(file);
            rows.AddRange(CaseCsv.Read(reader));
        }

        return rows;
    }

    /// <summary>Every row of every set in the default folder.</summary>
    public static IReadOnlyList<CaseRow> All() => Read(Files(DefaultFolder));
}
