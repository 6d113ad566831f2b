using System.Globalization;

namespace Sizing.Domain.Units;

/// <summary>A duration in seconds, kept as a double because latencies span nanoseconds to minutes.</summary>
public readonly record struct Seconds(double Value) : IComparable<Seconds>
{
    public static Seconds Zero => default;

    public static Seconds From(double seconds) => new(seconds);

    public static Seconds FromMilliseconds(double ms) => new(ms / 1e3);

    public static Seconds FromMicroseconds(double us) => new(us / 1e6);

    public double Milliseconds => Value * 1e3;

    public double Microseconds => Value * 1e6;

    public static Seconds operator +(Seconds a, Seconds b) => new(a.Value + b.Value);

    public static Seconds operator -(Seconds a, Seconds b) => new(a.Value - b.Value);

    public static Seconds operator *(Seconds a, double factor) => new(a.Value * factor);

    public static Seconds operator *(double factor, Seconds a) => new(a.Value * factor);

    public static Seconds operator /(Seconds a, double divisor) => new(a.Value / divisor);

    public static double operator /(Seconds a, Seconds b) => a.Value / b.Value;

    public static bool operator <(Seconds a, Seconds b) => a.Value < b.Value;

    public static bool operator >(Seconds a, Seconds b) => a.Value > b.Value;

    public static bool operator <=(Seconds a, Seconds b) => a.Value <= b.Value;

    public static bool operator >=(Seconds a, Seconds b) => a.Value >= b.Value;

    public static Seconds Max(Seconds a, Seconds b) => a.Value >= b.Value ? a : b;

    public int CompareTo(Seconds other) => Value.CompareTo(other.Value);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds:0.###} ms");
}
