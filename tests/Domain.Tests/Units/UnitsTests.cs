using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Units;

/// <summary>The unit types keep binary and decimal apart and make formulas read like the maths.</summary>
public sealed class UnitsTests
{
    [Fact]
    public void Bytes_EightyGB_IsAbout74Point5GiB()
    {
        var marketed = new Bytes(80 * Bytes.BytesPerGB);

        Assert.Equal(74.506, marketed.GiB, 3); // 80e9 / 2^30: the "80 GB" H100 is not 80 GiB
        Assert.Equal(80, marketed.GB);
    }

    [Fact]
    public void BytesOverBandwidth_IsTime()
    {
        var weights = new Bytes(35_280_000_000); // Llama-3-70B bf16 at TP 4 (docs/formulas.md §3)

        var time = weights / BytesPerSecond.FromGBps(3350);

        Assert.Equal(10.53, time.Milliseconds, 2); // docs/formulas.md §3: 10.6 ms lower bound with the KV reads added
    }

    [Fact]
    public void Bytes_Arithmetic_IsChecked()
    {
        var huge = new Bytes(long.MaxValue);

        Assert.Throws<OverflowException>(() => huge + new Bytes(1));
    }

    [Fact]
    public void Seconds_ConvertBetweenScales()
    {
        var latency = Seconds.FromMicroseconds(6);

        Assert.Equal(0.006, latency.Milliseconds, 9);
        Assert.Equal(6, (latency * 1000).Milliseconds, 9);
    }
}
