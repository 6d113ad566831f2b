using System.Globalization;
using System.Text;

namespace Sizing.Fidelity;

/// <summary>Absolute-percentage-error statistics of one metric family.</summary>
public sealed record FamilyStatistics(string Family, int Count, int Refused, double Median, double P90);

/// <summary>Per-family error statistics over a set of predictions, and the worst rows.</summary>
public static class FidelityReport
{
    public static IReadOnlyList<FamilyStatistics> Summarise(IEnumerable<Prediction> predictions) =>
        [.. predictions.GroupBy(p => p.Family).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var errors = g.Where(p => p.AbsolutePercentageError is not null).Select(p => p.AbsolutePercentageError!.Value).Order().ToList();
            return new FamilyStatistics(g.Key, errors.Count, g.Count(p => p.Refusal is not null), Percentile(errors, 0.5), Percentile(errors, 0.9));
        })];

    /// <summary>Linear-interpolated percentile (the same definition numpy uses by default).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    public static string Render(IReadOnlyList<Prediction> predictions, int worst)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{"family",-12} {"count",6} {"refused",8} {"median APE %",13} {"p90 APE %",10}");
        foreach (var s in Summarise(predictions))
        {
            text.AppendLine(c, $"{s.Family,-12} {s.Count,6} {s.Refused,8} {s.Median,13:0.0} {s.P90,10:0.0}");
        }

        text.AppendLine().AppendLine(c, $"worst {worst} rows:");
        foreach (var p in predictions.Where(p => p.AbsolutePercentageError is not null).OrderByDescending(p => p.AbsolutePercentageError).Take(worst))
        {
            text.AppendLine(c, $"  {p.Case.Id,-16} {p.Case.Metric,-22} measured {p.Case.Value,10:0.###} predicted {p.Predicted,10:0.###} error {p.AbsolutePercentageError,6:0.0} %  ({p.Case["model_id"]} {p.Case["gpu_id"]} tp{p.Case["tp"]} pp{p.Case["pp"]} {p.Case["engine"]} {p.Case["batching"]} c={p.Case["concurrency"]} {p.Case["input_tokens"]}/{p.Case["output_tokens"]})");
        }

        var refused = predictions.Where(p => p.Refusal is not null).ToList();
        if (refused.Count > 0)
        {
            text.AppendLine().AppendLine(c, $"refused {refused.Count} rows:");
            foreach (var p in refused)
            {
                text.AppendLine(c, $"  {p.Case.Id,-16} {p.Case.Metric,-22} {p.Refusal}");
            }
        }

        return text.ToString();
    }

    /// <summary>Every prediction as CSV (the row's identifying columns, measured, predicted, error) for analysis outside the harness.</summary>
    public static string Csv(IReadOnlyList<Prediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        string[] columns = ["id", "source", "family", "metric", "model_id", "gpu_id", "tp", "pp", "ep", "weights_precision", "engine", "batching", "statistic", "concurrency", "input_tokens", "output_tokens"];
        var text = new StringBuilder();
        text.AppendLine(string.Join(',', columns) + ",measured,predicted,ape,refusal,notes");
        foreach (var p in predictions)
        {
            var fields = columns.Select(c => c == "family" ? p.Family : p.Case[c]).ToList();
            fields.Add(p.Case.Value.ToString(CultureInfo.InvariantCulture));
            fields.Add(p.Predicted?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
            fields.Add(p.AbsolutePercentageError?.ToString("0.0", CultureInfo.InvariantCulture) ?? string.Empty);
            fields.Add(p.Refusal ?? string.Empty);
            fields.Add(p.Case["notes"]);
            text.AppendLine(string.Join(',', fields.Select(Quote)));
        }

        return text.ToString();
    }

    private static string Quote(string field) =>
        field.Contains(',', StringComparison.Ordinal) || field.Contains('"', StringComparison.Ordinal) || field.Contains('\n', StringComparison.Ordinal)
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
}
