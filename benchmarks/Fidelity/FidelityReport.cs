using System.Globalization;
using System.Text;

namespace Sizing.Fidelity;

/// <summary>Absolute-percentage-error statistics of one metric family.</summary>
public sealed record FamilyStatistics(string Family, int Count, int Refused, double Median, double P90);

/// <summary>Error statistics of one slice of rows.</summary>
public sealed record SliceStatistics(int Count, double Median, double P90);

/// <summary>Per-family error statistics over a set of predictions, the cross-validated breakdowns, and the worst rows.</summary>
public static class FidelityReport
{
    /// <summary>A held-out error above this is a large miss: the gate names every such row.</summary>
    public const double LargeMissPct = 60;

    public static IReadOnlyList<FamilyStatistics> Summarise(IEnumerable<Prediction> predictions) =>
        [.. Predicted(predictions).GroupBy(p => p.Family).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var s = Slice(g);
            return new FamilyStatistics(g.Key, s.Count, g.Count(p => p.Refusal is not null), s.Median, s.P90);
        })];

    /// <summary>Median and p90 of the answered rows among <paramref name="predictions"/>.</summary>
    public static SliceStatistics Slice(IEnumerable<Prediction> predictions)
    {
        var errors = predictions.Where(p => p.AbsolutePercentageError is not null).Select(p => p.AbsolutePercentageError!.Value).Order().ToList();
        return new SliceStatistics(errors.Count, Percentile(errors, 0.5), Percentile(errors, 0.9));
    }

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

    /// <summary>The held-out rows whose error exceeds <see cref="LargeMissPct"/>, worst first, then the measured deployments the model
    /// refuses (it says they leave no KV cache): a refusal of something that ran is a complete miss, not a row to leave out.</summary>
    public static IReadOnlyList<Prediction> LargeMisses(IEnumerable<Prediction> heldOut)
    {
        var rows = heldOut.ToList();
        return [.. rows.Where(p => p.AbsolutePercentageError > LargeMissPct).OrderByDescending(p => p.AbsolutePercentageError), .. rows.Where(RefusedDeployment)];
    }

    /// <summary>A measured serving row the model refused to predict; GPU facts and bus bandwidths printed as 0.00 are not deployments.</summary>
    public static bool RefusedDeployment(Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return prediction.Refusal is not null && prediction.Regime != Regimes.GpuFact && prediction.Refusal != CasePredictor.BelowPrecision;
    }

    public static string Render(CrossValidated cv, int worst)
    {
        ArgumentNullException.ThrowIfNull(cv);
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var heldOut = cv.HeldOut;
        var sources = heldOut.Select(p => p.Case.Document).Distinct(StringComparer.Ordinal).Count();
        text.AppendLine(c, $"{heldOut.Count} rows from {sources} sources; cross-validated (CV) = leave one source out, every fitted constant refitted without it");
        text.AppendLine().AppendLine(c, $"{"family",-12} {"rows",6} {"refused",8} {"in-sample median",17} {"in-sample p90",14} {"CV median",10} {"CV p90",8}");
        var inSample = Summarise(cv.InSample).ToDictionary(s => s.Family, StringComparer.Ordinal);
        foreach (var s in Summarise(heldOut))
        {
            var i = inSample.GetValueOrDefault(s.Family);
            text.AppendLine(c, $"{s.Family,-12} {s.Count,6} {s.Refused,8} {i?.Median,17:0.0} {i?.P90,14:0.0} {s.Median,10:0.0} {s.P90,8:0.0}");
        }

        Breakdown(text, "engine", heldOut, p => p.Engine);
        Breakdown(text, "GPU class", heldOut, p => p.GpuClass);
        Breakdown(text, "regime", heldOut, p => p.Regime, Regimes.Order);

        text.AppendLine().AppendLine(c, $"worst {worst} rows (CV):");
        foreach (var p in Predicted(heldOut).OrderByDescending(p => p.AbsolutePercentageError).Take(worst))
        {
            text.AppendLine(Describe(p));
        }

        var misses = LargeMisses(heldOut);
        text.AppendLine().AppendLine(c, $"{misses.Count} large misses (CV error > {LargeMissPct} %, or a measured deployment refused): {string.Join(", ", misses.Select(p => p.Case.Id))}");

        var refused = heldOut.Where(p => p.Refusal is not null).ToList();
        if (refused.Count > 0)
        {
            text.AppendLine().AppendLine(c, $"refused {refused.Count} rows:");
            foreach (var p in refused)
            {
                text.AppendLine(c, $"  {p.Case.Id,-16} {p.Case.Metric,-22} {p.Refusal}");
            }
        }

        if (cv.Problems.Count > 0)
        {
            text.AppendLine().AppendLine(c, $"NOT HELD OUT ({cv.Problems.Count}):");
            foreach (var problem in cv.Problems.Distinct(StringComparer.Ordinal))
            {
                text.AppendLine("  " + problem);
            }
        }

        return text.ToString();
    }

    /// <summary>Every row with its identifying columns, its in-sample and its held-out prediction, as CSV (for analysis outside
    /// the harness).</summary>
    public static string PredictionsCsv(CrossValidated cv)
    {
        ArgumentNullException.ThrowIfNull(cv);
        string[] columns = ["id", "source", "metric", "model_id", "gpu_id", "tp", "pp", "ep", "weights_precision", "batching", "statistic", "concurrency", "input_tokens", "output_tokens"];
        var text = new StringBuilder();
        text.AppendLine(string.Join(',', columns) + ",document,family,engine,gpu_class,regime,measured,in_sample,held_out,held_out_error_pct,refusal,notes");
        foreach (var (inSample, heldOut) in cv.InSample.Zip(cv.HeldOut))
        {
            var r = heldOut.Case;
            var fields = columns.Select(c => r[c]).ToList();
            fields.AddRange([r.Document, heldOut.Family, heldOut.Engine, heldOut.GpuClass, heldOut.Regime, r.Value.ToString(CultureInfo.InvariantCulture),
                inSample.Predicted?.ToString("0.####", CultureInfo.InvariantCulture) ?? string.Empty,
                heldOut.Predicted?.ToString("0.####", CultureInfo.InvariantCulture) ?? string.Empty,
                heldOut.AbsolutePercentageError?.ToString("0.#", CultureInfo.InvariantCulture) ?? string.Empty,
                heldOut.Refusal ?? string.Empty, r["notes"]]);
            text.AppendLine(string.Join(',', fields.Select(Quote)));
        }

        return text.ToString();
    }

    /// <summary>One row with its context, for listings.</summary>
    public static string Describe(Prediction p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var r = p.Case;
        return string.Create(CultureInfo.InvariantCulture,
            $"  {r.Id,-16} {r.Metric,-22} measured {r.Value,10:0.###} predicted {p.Predicted,10:0.###} error {p.AbsolutePercentageError,6:0.0} %  ({r["model_id"]} {r["gpu_id"]} tp{r["tp"]} pp{r["pp"]} {r["engine"]} {r["batching"]} c={r["concurrency"]} {r["input_tokens"]}/{r["output_tokens"]}; {p.Regime})");
    }

    private static void Breakdown(StringBuilder text, string by, IReadOnlyList<Prediction> heldOut, Func<Prediction, string> key, IReadOnlyList<string>? order = null)
    {
        var c = CultureInfo.InvariantCulture;
        text.AppendLine().AppendLine(c, $"CV by {by}:").AppendLine(c, $"  {"family",-12} {by,-36} {"rows",6} {"median",8} {"p90",8}");
        foreach (var family in Predicted(heldOut).GroupBy(p => p.Family).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var slices = family.GroupBy(key).OrderBy(g => order is null ? 0 : IndexIn(order, g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal);
            foreach (var slice in slices)
            {
                var s = Slice(slice);
                text.AppendLine(c, $"  {family.Key,-12} {slice.Key,-36} {s.Count,6} {s.Median,8:0.0} {s.P90,8:0.0}");
            }
        }
    }

    private static int IndexIn(IReadOnlyList<string> order, string value)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (order[i] == value)
            {
                return i;
            }
        }

        return order.Count;
    }

    private static IEnumerable<Prediction> Predicted(IEnumerable<Prediction> predictions) =>
        predictions.Where(p => p.Family is not "gemm" and not "other" || p.Predicted is not null);

    private static string Quote(string field) =>
        field.Contains(',', StringComparison.Ordinal) || field.Contains('"', StringComparison.Ordinal) || field.Contains('\n', StringComparison.Ordinal)
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
}
