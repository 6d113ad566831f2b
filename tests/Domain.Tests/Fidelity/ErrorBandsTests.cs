using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;

namespace Sizing.Domain.Tests.Fidelity;

/// <summary>Error bands: the cross-validated error of comparable rows (Data/error-bands.json, built by benchmarks/Fidelity).</summary>
public sealed class ErrorBandsTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    /// <summary>The family × engine × GPU class with the most cross-validated rows: the best-calibrated class there is.</summary>
    private static BandCell Best => ErrorBands.Document.Cells.Where(c => c.Engine is not null && c.GpuClass is not null).MaxBy(c => c.Rows)!;

    [Fact]
    public void For_CalibratedClass_UsesItsOwnRows()
    {
        var cell = Best;

        var band = ErrorBands.For(cell.Family, cell.Engine!, cell.GpuClass!);

        Assert.True(band.Calibrated);
        Assert.Equal(cell.Rows, band.Rows);
        Assert.Equal(cell.P90ErrorPct, band.P90ErrorPct);
        Assert.Contains(cell.GpuClass!, band.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void For_UncalibratedGpuClass_IsWiderAndSaysSo()
    {
        var cell = Best;
        var calibrated = ErrorBands.For(cell.Family, cell.Engine!, cell.GpuClass!);

        var uncalibrated = ErrorBands.For(cell.Family, cell.Engine!, "acme-prototype");

        Assert.False(uncalibrated.Calibrated);
        Assert.True(uncalibrated.RatioLow < calibrated.RatioLow || calibrated.RatioLow == 1, "the low edge should move down");
        Assert.True(uncalibrated.RatioHigh > calibrated.RatioHigh || calibrated.RatioHigh == 1, "the high edge should move up");
        Assert.True(uncalibrated.P90ErrorPct > calibrated.P90ErrorPct);
        Assert.Contains("widened", uncalibrated.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void For_UncalibratedEngine_IsWiderThanTheFamilyOverall()
    {
        var cell = Best;
        var overall = ErrorBands.Document.Cells.Single(c => c.Family == cell.Family && c.Engine is null && c.GpuClass is null);

        var band = ErrorBands.For(cell.Family, "an-engine-no-row-measures", cell.GpuClass!);

        Assert.False(band.Calibrated);
        Assert.Equal(overall.P90ErrorPct * ErrorBands.UncalibratedWidening, band.P90ErrorPct, 9);
        Assert.Equal(overall.Rows, band.Rows);
    }

    [Fact]
    public void For_ClassWithFewRows_FallsBackToMoreRows()
    {
        var sparse = ErrorBands.Document.Cells.FirstOrDefault(c => c.Engine is not null && c.GpuClass is not null && c.Rows < ErrorBands.MinimumRows);
        Assert.NotNull(sparse);

        var band = ErrorBands.For(sparse.Family, sparse.Engine!, sparse.GpuClass!);

        Assert.True(band.Rows >= ErrorBands.MinimumRows, $"{band.Rows} rows: {band.Basis}");
        Assert.Contains($"fewer than {ErrorBands.MinimumRows}", band.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_Bands_BracketEveryFigure()
    {
        var estimate = DeploymentEstimator.Estimate(Llama70bTp4("h100-sxm-80gb", Engine.Trtllm));
        var p = estimate.Performance;
        var m = estimate.Memory;
        var b = estimate.Bands;

        foreach (var (band, value) in new[]
        {
            (b.Ttft, p.Ttft.Milliseconds), (b.Tpot, p.Tpot.Milliseconds), (b.E2e, p.E2e.Milliseconds), (b.Throughput, p.OutputTokensPerSecond),
            (b.Weights, m.Weights.GiB), (b.KvCachePool, m.KvCachePool.GiB), (b.Activations, m.Activations.GiB),
        })
        {
            Assert.InRange(value, band.Low(value), band.High(value));
            Assert.True(band.High(value) > band.Low(value) || value == 0, band.Basis);
        }
    }

    [Fact]
    public void Estimate_OnAGpuClassNoRowCovers_HasWiderBands()
    {
        var h100 = Catalog.FindGpu("h100-sxm-80gb")!;
        var calibrated = DeploymentEstimator.Estimate(Llama70bTp4(h100.Id, Engine.Trtllm));
        var input = Llama70bTp4(h100.Id, Engine.Trtllm);
        var prototype = input with { Memory = input.Memory with { Gpu = h100 with { Vendor = "acme", Architecture = "prototype" } } };

        var uncalibrated = DeploymentEstimator.Estimate(prototype);

        Assert.Equal(calibrated.Performance.OutputTokensPerSecond, uncalibrated.Performance.OutputTokensPerSecond);
        Assert.True(calibrated.Bands.Throughput.Calibrated);
        Assert.False(uncalibrated.Bands.Throughput.Calibrated);
        Assert.True(uncalibrated.Bands.Throughput.RatioHigh / uncalibrated.Bands.Throughput.RatioLow
            > calibrated.Bands.Throughput.RatioHigh / calibrated.Bands.Throughput.RatioLow);
        Assert.Contains(uncalibrated.Assumptions, a => a.Name == "uncalibratedBandWidening" && a.Basis == AssumptionBasis.Assumption);
    }

    [Fact]
    public void ForCollective_BusBandwidthBand_IsTheTimeBandInverted()
    {
        var band = ErrorBands.ForCollective(CollectiveImplementation.Nccl, Catalog.FindGpu("h100-sxm-80gb")!);

        var inverse = band.Inverse();

        Assert.Equal(1 / band.RatioHigh, inverse.RatioLow, 12);
        Assert.Equal(1 / band.RatioLow, inverse.RatioHigh, 12);
        Assert.True(inverse.RatioLow <= 1 && inverse.RatioHigh >= 1);
    }

    private static DeploymentInput Llama70bTp4(string gpuId, Engine engine)
    {
        var gpu = Catalog.FindGpu(gpuId)!;
        var memory = new MemoryInput(Catalog.FindModel("llama-3-70b")!.Architecture, gpu, new Parallelism(4), Precision.Bf16, Precision.Bf16, engine, 2304, 2304, 64);
        return new DeploymentInput(memory, new Topology(gpu, 8, IntraNodeLink.NvSwitch, InterNodeLink.InfiniBand), 2048, 256, Batching.Continuous);
    }
}
