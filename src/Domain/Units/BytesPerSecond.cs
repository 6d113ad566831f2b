using System.Globalization;

namespace Sizing.Domain.Units;

/// <summary>A data rate in bytes per second.</summary>
/// <remarks>Vendor bandwidths are decimal (GB/s = 10^9 B/s, TB/s = 10^12 B/s); so are nccl-tests' algbw and busbw.</remarks>
public readonly record struct BytesPerSecond(double Value) : IComparable<BytesPerSecond>
{
    public static BytesPerSecond FromGBps(double gbps) => new(gbps * 1e9);

    public double GBps => Value / 1e9;

    public static BytesPerSecond operator *(BytesPerSecond a, double factor) => new(a.Value * factor);

    public static BytesPerSecond operator /(BytesPerSecond a, double divisor) => new(a.Value / divisor);

    public static bool operator <(BytesPerSecond a, BytesPerSecond b) => a.Value < b.Value;

    public static bool operator >(BytesPerSecond a, BytesPerSecond b) => a.Value > b.Value;

    public static bool operator <=(BytesPerSecond a, BytesPerSecond b) => a.Value <= b.Value;

    public static bool operator >=(BytesPerSecond a, BytesPerSecond b) => a.Value >= b.Value;

    public int CompareTo(BytesPerSecond other) => Value.CompareTo(other.Value);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{GBps:0.##} GB/s");
}
