namespace Sizing.Domain;

/// <summary>One named constant a calculator relied on, reported with its value, unit and where it comes from.</summary>
/// <param name="Name">Stable dotted name, e.g. <c>communication.nvswitch.ring-efficiency</c>.</param>
/// <param name="Value">The value in <paramref name="Unit"/>.</param>
/// <param name="Unit">The unit, e.g. <c>us</c>, <c>GB/s</c>, <c>fraction</c>, <c>bytes</c>.</param>
/// <param name="Source">The measurement or document the value was read or fitted from; <c>[A]</c> marks a planning assumption.</param>
public sealed record Assumption(string Name, double Value, string Unit, string Source);
