using System.Globalization;

namespace Sizing.Domain.Units;

/// <summary>An amount of memory or data, in whole bytes.</summary>
/// <remarks>
/// Binary (GiB = 2^30) and decimal (GB = 10^9) units are kept apart on purpose: vendors market decimal
/// gigabytes while drivers and engines report binary ones, and mixing them is a 7 % error.
/// </remarks>
public readonly record struct Bytes(long Value) : IComparable<Bytes>
{
    public const long BytesPerMiB = 1L << 20;
    public const long BytesPerGiB = 1L << 30;
    public const long BytesPerGB = 1_000_000_000L;

    public static Bytes Zero => default;

    public static Bytes FromGiB(double gib) => new(checked((long)Math.Round(gib * BytesPerGiB)));

    /// <summary>The nearest whole number of bytes to a computed amount (a fraction of a matrix, an average over sequences).</summary>
    public static Bytes Rounded(double bytes) => new(checked((long)Math.Round(bytes)));

    public static Bytes FromMiB(double mib) => new(checked((long)Math.Round(mib * BytesPerMiB)));

    public double GiB => (double)Value / BytesPerGiB;

    public double GB => (double)Value / BytesPerGB;

    public static Bytes operator +(Bytes a, Bytes b) => new(checked(a.Value + b.Value));

    public static Bytes operator -(Bytes a, Bytes b) => new(checked(a.Value - b.Value));

    public static Bytes operator *(Bytes a, long factor) => new(checked(a.Value * factor));

    public static Bytes operator *(long factor, Bytes a) => a * factor;

    public static Bytes operator *(Bytes a, double factor) => new(checked((long)Math.Round(a.Value * factor)));

    public static Bytes operator /(Bytes a, long divisor) => new(a.Value / divisor);

    public static double operator /(Bytes a, Bytes b) => (double)a.Value / b.Value;

    public static Seconds operator /(Bytes a, BytesPerSecond rate) => Seconds.From(a.Value / rate.Value);

    public static bool operator <(Bytes a, Bytes b) => a.Value < b.Value;

    public static bool operator >(Bytes a, Bytes b) => a.Value > b.Value;

    public static bool operator <=(Bytes a, Bytes b) => a.Value <= b.Value;

    public static bool operator >=(Bytes a, Bytes b) => a.Value >= b.Value;

    public static Bytes Max(Bytes a, Bytes b) => a.Value >= b.Value ? a : b;

    public int CompareTo(Bytes other) => Value.CompareTo(other.Value);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{GiB:0.###} GiB");
}
