using System.Globalization;

namespace Sizing.Domain.Units;

/// <summary>A count of floating-point (or integer tensor) operations; one multiply-add is two.</summary>
public readonly record struct Flops(double Value)
{
    public static Flops operator +(Flops a, Flops b) => new(a.Value + b.Value);

    public static Flops operator *(Flops a, double factor) => new(a.Value * factor);

    public static Flops operator /(Flops a, double divisor) => new(a.Value / divisor);

    public static Seconds operator /(Flops a, FlopsPerSecond rate) => Seconds.From(a.Value / rate.Value);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value:0.###e0} FLOP");
}

/// <summary>A compute rate; catalogs give it in dense (not 2:4 sparse) TFLOPS.</summary>
public readonly record struct FlopsPerSecond(double Value)
{
    public static FlopsPerSecond FromTflops(double tflops) => new(tflops * 1e12);

    public double Tflops => Value / 1e12;

    public static FlopsPerSecond operator *(FlopsPerSecond a, double factor) => new(a.Value * factor);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Tflops:0.#} TFLOPS");
}
