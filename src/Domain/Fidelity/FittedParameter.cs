using System.Globalization;
using Sizing.Domain.Performance;

namespace Sizing.Domain.Fidelity;

/// <summary>A constant fitted to measured rows: where it may physically lie, what it starts from, and how to read and set it.</summary>
/// <param name="Key">Unique name across the registry, e.g. <c>trtllm.hbmEfficiency</c> or <c>communication.pcie.busbw-efficiency</c>.</param>
/// <param name="Name">The name it is reported under in <see cref="Assumption"/> lists (several engines share <c>hbmEfficiency</c>).</param>
/// <param name="Group">The fit group: constants fitted together on the same rows (benchmarks/Fidelity FitGroups names each group's rows).</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Low">Lowest physically plausible value: a fit that wants less is fitting noise.</param>
/// <param name="High">Highest physically plausible value.</param>
/// <param name="PriorBasis">What the prior is: a measured fact or an assumption. The prior is the value the assumption records are
/// initialised with: every fit starts from it, and it stands wherever no measured row fits the constant.</param>
/// <param name="PriorSource">Where the prior comes from.</param>
/// <param name="Meaning">What the constant stands for, physically.</param>
/// <param name="Get">Reads the constant from a set of assumptions.</param>
/// <param name="Set">A copy of a set of assumptions with the constant changed.</param>
/// <param name="Choices">For a discrete constant (an alignment), the values the fit may pick; null for a continuous one.</param>
public sealed record FittedParameter(
    string Key,
    string Name,
    string Group,
    string Unit,
    double Low,
    double High,
    AssumptionBasis PriorBasis,
    string PriorSource,
    string Meaning,
    Func<EstimatorAssumptions, double> Get,
    Func<EstimatorAssumptions, double, EstimatorAssumptions> Set,
    IReadOnlyList<double>? Choices = null)
{
    /// <summary>The constant as reported with an estimate: its basis is a fit when its group was fitted on at least one row, else its prior's.</summary>
    public Assumption Describe(double value)
    {
        var fit = FittedConstants.For(Group);
        if (fit is { RowCount: > 0 })
        {
            var range = Choices is null
                ? string.Create(CultureInfo.InvariantCulture, $"within {Low:0.###}-{High:0.###} {Unit}")
                : "one of " + string.Join("/", Choices.Select(c => c.ToString(CultureInfo.InvariantCulture)));
            return new(Name, value, Unit, AssumptionBasis.Fit,
                string.Create(CultureInfo.InvariantCulture, $"fit: {fit.RowCount} rows from {fit.Sources.Count} sources ({fit.Rows}), {range}; {Meaning} (docs/calibration.md)"));
        }

        var prefix = PriorBasis == AssumptionBasis.Assumption ? "uncalibrated (no measured rows fit it yet): " : string.Empty;
        return new(Name, value, Unit, PriorBasis, $"{prefix}{PriorSource}; {Meaning}");
    }
}
