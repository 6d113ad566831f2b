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

    /// <summary>A markdown table of each set's source documents (the <see cref="CaseRow.Document"/> cross-validation holds out) and rows.</summary>
    public static string SourceTable(IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var text = new System.Text.StringBuilder("| file | source document | rows | kinds |\n|---|---|---|---|\n");
        foreach (var file in files)
        {
            foreach (var document in Read([file]).GroupBy(r => r.Document).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var kinds = string.Join(", ", document.Select(r => r.Kind).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"| {Path.GetFileName(file)} | {document.Key} | {document.Count()} | {kinds} |\n");
            }
        }

        return text.ToString();
    }

    /// <summary>Every row of every set in the default folder.</summary>
    public static IReadOnlyList<CaseRow> All() => Read(Files(DefaultFolder));
}
