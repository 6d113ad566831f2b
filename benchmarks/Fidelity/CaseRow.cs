using System.Globalization;
using System.Text.RegularExpressions;

namespace Sizing.Fidelity;

/// <summary>One measured case: a row of a measured set (tests/Domain.Tests/TestData/cases-*.csv; columns in docs/calibration.md).</summary>
public sealed partial record CaseRow(IReadOnlyDictionary<string, string> Fields)
{
    public string this[string column] => Fields.TryGetValue(column, out var value) ? value.Trim() : string.Empty;

    public string Id => this["id"];

    public string Kind => this["kind"];

    public string Metric => this["metric"];

    /// <summary>The source the row comes from, as cross-validation holds it out: its <c>source</c> up to the commit, version or
    /// location notes that follow the path (" @…", " (…", ", …", "#issuecomment-…"); every file of one GitHub repository is one
    /// source (<c>github owner/repo</c>), and a web page in several languages is one page.</summary>
    /// <remarks>Rows of one source share a setup and an author: holding out one version of a table, one log of a benchmark
    /// campaign or one translation of a page while the others train the fit would leak. An issue or pull-request thread is
    /// its own source (its measurements come from the people in the thread, not from the repository).</remarks>
    public string Document
    {
        get
        {
            var document = DocumentEnd().Split(this["source"], 2)[0].Trim();
            if (RepositoryFile().Match(document) is { Success: true } repository)
            {
                return repository.Groups[1].Value;
            }

            return PageLanguage().Replace(document, "$1/", 1);
        }
    }

    public double Value => double.Parse(this["value"], CultureInfo.InvariantCulture);

    public int? Int(string column) =>
        int.TryParse(this[column], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public long? Long(string column) =>
        long.TryParse(this[column], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A <c>key=value</c> setting the source printed, from the notes column.</summary>
    public string? Note(string key)
    {
        var match = NoteSetting().Matches(this["notes"]).FirstOrDefault(m => m.Groups[1].Value == key);
        return match?.Groups[2].Value;
    }

    public double? NoteNumber(string key) =>
        double.TryParse(Note(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    [GeneratedRegex(@"(?:^|[;\s])([a-z_]+)=([^;\s]+)")]
    private static partial Regex NoteSetting();

    [GeneratedRegex(@" @| \(|, |#issuecomment-|#discussion_r|#pullrequestreview-")]
    private static partial Regex DocumentEnd();

    [GeneratedRegex(@"^(github [^/\s]+/[^/\s]+)(\s|$)")]
    private static partial Regex RepositoryFile();

    [GeneratedRegex(@"^(https?://[^/]+)/[a-z]{2}(?:-[a-z]{2,4})?/")]
    private static partial Regex PageLanguage();
}

/// <summary>Reads RFC 4180 CSV (quoted fields may hold commas, quotes and newlines).</summary>
public static class CaseCsv
{
    public static IReadOnlyList<CaseRow> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var records = Records(reader.ReadToEnd()).ToList();
        if (records.Count == 0)
        {
            return [];
        }

        var header = records[0];
        return [.. records.Skip(1).Where(r => r.Count > 1).Select(r => new CaseRow(
            header.Select((name, i) => (name, value: i < r.Count ? r[i] : string.Empty)).ToDictionary(p => p.name, p => p.value)))];
    }

    private static IEnumerable<List<string>> Records(string text)
    {
        var record = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                record.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                yield return record;
                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
