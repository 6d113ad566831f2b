using System.Globalization;
using Sizing.Domain.Catalog;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Performance;

namespace Sizing.Fidelity;

/// <summary>Fits one group's constants to its rows by coordinate descent in log space, within each constant's physical range.</summary>
/// <remarks>
/// The loss is the sum over the families among the rows of median + 0.5·p90 absolute percentage error, so a fit cannot buy
/// a good median with a long tail; a row the model refuses under a candidate (it no longer fits) counts as a 100 % miss, so
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

    /// <summary>The loss of a set of constants on some rows.</summary>
    public static double Loss(IReadOnlyList<CaseRow> rows, HardwareCatalog catalog, EstimatorAssumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var predictions = rows.Select(r => CasePredictor.Predict(r, catalog, assumptions)).ToList();
        var loss = 0.0;
        foreach (var family in predictions.GroupBy(p => p.Family, StringComparer.Ordinal))
        {
            var errors = family.Select(p => p.AbsolutePercentageError ?? 100).Order().ToList();
            loss += FidelityReport.Percentile(errors, 0.5) + (0.5 * FidelityReport.Percentile(errors, 0.9));
        }

        return loss;
    }

    private static EstimatorAssumptions Descend(IReadOnlyList<FittedParameter> parameters, IReadOnlyList<CaseRow> rows, EstimatorAssumptions current, HardwareCatalog catalog)
    {
        // Small steps from the priors: the descent stops in the first valley, so a constant moves from its prior only as far as
        // the rows ask. Wider searches (random restarts, pair moves) found lower in-sample losses and worse held-out errors.
        var best = Loss(rows, catalog, current);
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
                        var candidate = parameter.Set(current, value);
                        var loss = Loss(rows, catalog, candidate);
                        if (loss < best - 0.01)
                        {
                            (best, current, improved) = (loss, candidate, true);
                        }
                    }
                }
            }
        }

        return current;
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
