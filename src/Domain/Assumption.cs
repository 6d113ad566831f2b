using System.Text.Json.Serialization;

namespace Sizing.Domain;

/// <summary>A number the model assumes rather than derives (an efficiency, an overhead), reported with every answer.</summary>
/// <param name="Name">Stable camelCase name, e.g. <c>sustainedComputeShare</c>.</param>
/// <param name="Value">The value used.</param>
/// <param name="Unit">Its unit ("fraction", "GiB", "us", ...).</param>
/// <param name="Basis">What kind of number it is: a measured fact, a fit to measured rows, or an assumption.</param>
/// <param name="Source">Where the value comes from: the reference of a measured fact, "fit: N rows from M sources (...)", or why it is assumed.</param>
public sealed record Assumption(string Name, double Value, string Unit, AssumptionBasis Basis, string Source);

/// <summary>What kind of number an <see cref="Assumption"/> is (docs/calibration.md).</summary>
public enum AssumptionBasis
{
    /// <summary>A fact a reference states or measures directly (a documented default, a figure read off a log or a maintainer's statement), not adjusted to the scored rows.</summary>
    [JsonStringEnumMemberName("measured")] Measured,

    /// <summary>Fitted to measured rows of the public sets by benchmarks/Fidelity; its source says how many rows from how many sources.</summary>
    [JsonStringEnumMemberName("fit")] Fit,

    /// <summary>An assumed or uncalibrated value: no measured row pins it down.</summary>
    [JsonStringEnumMemberName("assumption")] Assumption,
}
