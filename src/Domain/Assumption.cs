namespace Sizing.Domain;

/// <summary>A number the model assumes rather than derives (an efficiency, an overhead), reported with every answer.</summary>
/// <param name="Name">Stable camelCase name, e.g. <c>hbmEfficiency</c>.</param>
/// <param name="Value">The value used.</param>
/// <param name="Unit">Its unit ("fraction", "GiB", "us", ...).</param>
/// <param name="Source">Where the value comes from or what it was calibrated against.</param>
public sealed record Assumption(string Name, double Value, string Unit, string Source);
