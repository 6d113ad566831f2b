using System.Globalization;
using Sizing.Domain.Performance;

namespace Sizing.Domain.Fidelity;

/// <summary>A constant fitted to measured rows: where it may physically lie, what it starts from, and how to read and set it.</summary>
/// <param name="Key">Unique name across the registry, e.g. <c>trtllm.layerFloorUs</c> or <c>communication.pcie.busbw-efficiency</c>.</param>
/// <param name="Name">The name it is reported under in <see cref="Assumption"/> lists (several engines share <c>layerFloorUs</c>).</param>
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
    /// <summary>Fewest source documents that must identify a constant for it to count as a fit (issue 9: a constant fitted to fewer
    /// sources is an assumption, whatever value the fit gave it).</summary>
    public const int MinimumSources = 3;

    /// <summary>The constant as reported with an estimate (under <paramref name="name"/> where a constant is shared, e.g. InfiniBand
    /// HDR reporting NDR's fit): a fit when the rows of at least <see cref="MinimumSources"/> source documents identify it (their
    /// predictions move with it), an assumption fitted to too few sources when fewer do, its prior's basis when none does.</summary>
    public Assumption Describe(double value, string? name = null)
    {
        var reported = name ?? Name;
        var fit = FittedConstants.For(Group);
        var identifying = fit?.Identifying.GetValueOrDefault(Key) ?? [];
        if (fit is null || identifying.Count == 0)
        {
            var prefix = PriorBasis == AssumptionBasis.Assumption ? "uncalibrated (no measured row identifies it): " : string.Empty;
            return new(reported, value, Unit, PriorBasis, $"{prefix}{PriorSource}; {Meaning}");
        }

        var range = Choices is null
            ? string.Create(CultureInfo.InvariantCulture, $"within {Low:0.###}-{High:0.###} {Unit}")
            : "one of " + string.Join("/", Choices.Select(c => c.ToString(CultureInfo.InvariantCulture)));
        var rows = string.Create(CultureInfo.InvariantCulture, $"{fit.RowCount} rows from {fit.Sources.Count} sources ({fit.Rows}), {identifying.Count} of which identify it");
        return identifying.Count >= MinimumSources
            ? new(reported, value, Unit, AssumptionBasis.Fit, $"fit: {rows}, {range}; {Meaning} (docs/calibration.md)")
            : new(reported, value, Unit, AssumptionBasis.Assumption,
                $"assumption: fitted to {rows} (fewer than {MinimumSources}, too few to count as a fit; {PriorSource}), {range}; {Meaning} (docs/calibration.md)");
    }
}
