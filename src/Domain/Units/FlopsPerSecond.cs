using System.Globalization;

namespace Sizing.Domain.Units;

/// <summary>A compute rate; catalogs give it in dense (not 2:4 sparse) TFLOPS, one multiply-add counting as two operations.</summary>
public readonly record struct FlopsPerSecond(double Value)
{
    public static FlopsPerSecond FromTflops(double tflops) => new(tflops * 1e12);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value / 1e12:0.#} TFLOPS");
}
