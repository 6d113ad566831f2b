using System.Globalization;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Performance;

namespace Sizing.Fidelity;

/// <summary>Fits one group's constants to its rows by coordinate descent in log space, within each constant's physical range.</summary>
/// <remarks>
/// The loss is the sum over the engines and families among the rows of median + 0.5·p90 absolute percentage error, so a fit
/// cannot buy a good median with a long tail, nor one engine's figures with another's; a row the model refuses under a candidate (it no longer fits) counts as a 100 % miss, so
/// the fit cannot improve by refusing rows. Every fit starts from the priors, never from another fit, so a fit without a
/// source owes that source nothing. Values are rounded to four significant digits, the precision they are stored with.
/// </remarks>
public static class Fitter
{
    private static readonly double[] Steps = [0.25, 0.1, 0.04];

    /// <param name="group">The group to fit.</param>
    /// <param name="rows">Its training rows.</param>
    /// <param name="start">The constants of every other group (those it depends on already fitted on the same training sources).</param>
    /// <param name="dependencySources">The training sources of the fits it depends on.</param>
    /// <param name="catalog">The catalog the rows name.</param>
    public static GroupFit Fit(FitGroup group, IReadOnlyList<CaseRow> rows, EstimatorAssumptions start, IEnumerable<string> dependencySources, HardwareCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(start);
        var parameters = group.Parameters;
        var current = parameters.Aggregate(start, (a, p) => p.Set(a, p.Get(EstimatorAssumptions.Prior)));
        var sources = rows.Select(r => r.Document).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (rows.Count > 0)
        {
            current = Descend(parameters, rows, current, catalog);
        }

        var values = parameters.ToDictionary(p => p.Key, p => Round(p.Get(current)), StringComparer.Ordinal);
        var training = rows.Count == 0
            ? []
            : sources.Concat(dependencySources).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new GroupFit(group.Name, group.Rows, rows.Count, sources, training, values, Identify(parameters, rows, current, catalog));
    }

    /// <summary>For each parameter, the sources of the rows whose prediction moves when it moves (10 % away from the fit, or to
    /// each other choice): only they say anything about it.</summary>
    private static Dictionary<string, IReadOnlyList<string>> Identify(IReadOnlyList<FittedParameter> parameters, IReadOnlyList<CaseRow> rows, EstimatorAssumptions fitted, HardwareCatalog catalog)
    {
        var baseline = rows.Select(r => CasePredictor.Predict(r, catalog, fitted).Predicted).ToList();
        var identifying = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            var value = parameter.Get(fitted);
            var moved = parameter.Choices?.Where(c => c != value)
                ?? [value * 1.1 <= parameter.High ? value * 1.1 : value / 1.1];
            var sensitive = new HashSet<string>(StringComparer.Ordinal);
            foreach (var candidate in moved.Select(v => parameter.Set(fitted, v)))
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    if (!sensitive.Contains(rows[i].Document) && Moved(baseline[i], CasePredictor.Predict(rows[i], catalog, candidate).Predicted))
                    {
                        sensitive.Add(rows[i].Document);
                    }
                }
            }

            identifying[parameter.Key] = [.. sensitive.Order(StringComparer.Ordinal)];
        }

        return identifying;
    }

    private static bool Moved(double? before, double? after) =>
        before is { } b && after is { } a ? Math.Abs(a - b) > 1e-9 * Math.Max(Math.Abs(b), 1e-12) : before.HasValue != after.HasValue;

    /// <summary>The loss of some predictions: per engine and family among them, median + 0.5·p90 absolute percentage error (a
    /// refused row counts as a 100 % miss), summed, so every engine's figures count whatever its share of the rows.</summary>
    private static double Loss(int[][] cells, double[] errors)
    {
        var loss = 0.0;
        foreach (var cell in cells)
        {
            // A cell of fewer than ten rows weighs its share of ten: a handful of rows cannot outvote another engine's sweep.
            var sorted = cell.Select(i => errors[i]).Order().ToList();
            loss += Math.Min(1, sorted.Count / 10.0) * (FidelityReport.Percentile(sorted, 0.5) + (0.5 * FidelityReport.Percentile(sorted, 0.9)));
        }

        return loss;
    }

    private static EstimatorAssumptions Descend(IReadOnlyList<FittedParameter> parameters, IReadOnlyList<CaseRow> rows, EstimatorAssumptions current, HardwareCatalog catalog)
    {
        double Error(CaseRow row, EstimatorAssumptions a) => CasePredictor.Predict(row, catalog, a).AbsolutePercentageError ?? 100;
        var first = rows.Select(r => CasePredictor.Predict(r, catalog, current)).ToList();
        var cells = Enumerable.Range(0, first.Count).GroupBy(i => (first[i].Engine, first[i].Family)).Select(g => g.ToArray()).ToArray();
        var errors = first.Select(p => p.AbsolutePercentageError ?? 100).ToArray();
        var affected = parameters.ToDictionary(p => p.Key, p => Affected(p, rows, current), StringComparer.Ordinal);

        // Small steps from the priors: the descent stops in the first valley, so a constant moves from its prior only as far as
        // the rows ask. Wider searches (random restarts, pair moves) found lower in-sample losses and worse held-out errors.
        var best = Loss(cells, errors);
        foreach (var step in Steps)
        {
            var improved = true;
            while (improved)
            {
                improved = false;
                foreach (var parameter in parameters)
                {
                    foreach (var value in Candidates(parameter, parameter.Get(current), step))
                    {
                        // Only the rows the parameter can move are predicted again.
                        var candidate = parameter.Set(current, value);
                        var trial = (double[])errors.Clone();
                        foreach (var i in affected[parameter.Key])
                        {
                            trial[i] = Error(rows[i], candidate);
                        }

                        var loss = Loss(cells, trial);
                        if (loss < best - 0.01)
                        {
                            (best, current, errors, improved) = (loss, candidate, trial, true);
                        }
                    }
                }
            }
        }

        return current;
    }

    /// <summary>The rows whose prediction a parameter can move: where it writes only engine profiles, the rows of those engines
    /// (a row of another engine never reads them); anything else, every row.</summary>
    private static List<int> Affected(FittedParameter parameter, IReadOnlyList<CaseRow> rows, EstimatorAssumptions current)
    {
        var value = parameter.Get(current);
        var moved = parameter.Set(current, parameter.Choices?.First(c => c != value) ?? (value * 1.1 <= parameter.High ? value * 1.1 : value / 1.1));
        var engines = Enum.GetValues<Engine>().Where(e => moved.Performance.For(e) != current.Performance.For(e)).ToHashSet();
        var profilesOnly = moved.Memory == current.Memory && moved.Communication == current.Communication
            && engines.Aggregate(moved.Performance, (p, e) => p.With(e, current.Performance.For(e))) == current.Performance;
        return [.. Enumerable.Range(0, rows.Count).Where(i => !profilesOnly || (rows[i].Kind == "serving" && engines.Contains(CasePredictor.EngineOf(rows[i]))))];
    }

    private static IEnumerable<double> Candidates(FittedParameter parameter, double value, double step)
    {
        if (parameter.Choices is { } choices)
        {
            return choices.Where(c => c != value);
        }

        return new[] { value * (1 + step), value / (1 + step) }
            .Select(v => Math.Clamp(v, parameter.Low, parameter.High))
            .Where(v => v != value);
    }

    private static double Round(double value) =>
        value == 0 ? 0 : double.Parse(value.ToString("G4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
