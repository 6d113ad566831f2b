using Sizing.Domain.Fidelity;
using Sizing.Domain.Performance;

namespace Sizing.Api.Contracts;

/// <summary>The range a measurement of one predicted figure should fall in, from the model's cross-validated error (each
/// measured row predicted by constants fitted without its source) on comparable rows. Same unit as the figure.</summary>
/// <param name="Low">Lower edge: the figure × the 10th percentile of measured/predicted, never above the figure. Example: 7.4.</param>
/// <param name="High">Upper edge: the figure × the 90th percentile of measured/predicted, never below the figure. Example: 10.9.</param>
/// <param name="ErrorP50Pct">Median absolute percentage error of those rows, %. Example: 13.2.</param>
/// <param name="ErrorP90Pct">90th-percentile absolute percentage error of those rows, %. Example: 19.5.</param>
/// <param name="Rows">Cross-validated measured rows behind the band. Example: 26.</param>
/// <param name="Basis">Which rows: the engine and GPU class (vendor-architecture), or the fallback taken when they are fewer than 10,
/// and whether the band was widened because no row covers the engine or GPU class.
/// Example: 26 cross-validated tpot rows of lmdeploy on every GPU (fewer than 10 on nvidia-hopper).</param>
/// <param name="Calibrated">False when no measured row of the family shares the engine or the GPU class: the band is widened
/// (an assumption, listed in <c>assumptions</c> as uncalibratedBandWidening).</param>
public sealed record FigureBandResponse(double Low, double High, double ErrorP50Pct, double ErrorP90Pct, int Rows, string Basis, bool Calibrated);

/// <summary>Error bands of a latency's percentiles, each the band of its family (TTFT or TPOT) around that percentile: the measured
/// rows of a family mix means, medians and tails, so one band serves them all.</summary>
/// <param name="P50">Band of the median.</param>
/// <param name="P90">Band of the 90th percentile.</param>
/// <param name="P99">Band of the 99th percentile.</param>
public sealed record PercentileBandsResponse(FigureBandResponse P50, FigureBandResponse P90, FigureBandResponse P99);

/// <summary>Error bands of an estimate's predicted figures (docs/calibration.md, "Error bands"). The latency and throughput
/// bands are null exactly when <c>latency</c> and <c>throughput</c> are (a deployment that does not fit); the load figures are
/// counts the model decides, not predictions of a measurement, and carry none.</summary>
/// <param name="TtftMs">Band of <c>latency.ttftMs</c>.</param>
/// <param name="TpotMs">Band of <c>latency.tpotMs</c>.</param>
/// <param name="E2eMs">Band of <c>latency.e2eMs</c>.</param>
/// <param name="TtftPercentilesMs">Bands of <c>latency.ttftPercentilesMs</c>, from TTFT's band.</param>
/// <param name="TpotPercentilesMs">Bands of <c>latency.tpotPercentilesMs</c>, from TPOT's band.</param>
/// <param name="OutputTokensPerSecond">Band of <c>throughput.outputTokensPerSecond</c>.</param>
/// <param name="OutputTokensPerSecondPerUser">Band of <c>throughput.outputTokensPerSecondPerUser</c>.</param>
/// <param name="WeightsGiB">Band of <c>memory.perGpu.weightsGiB</c>.</param>
/// <param name="KvCachePoolGiB">Band of <c>memory.perGpu.kvCachePoolGiB</c> (the same relative band holds for the token capacity).</param>
/// <param name="ActivationsGiB">Band of <c>memory.perGpu.activationsGiB</c>.</param>
/// <param name="OutputTokensPerSecondPerGpu">Band of <c>throughput.outputTokensPerSecondPerGpu</c> (the throughput band).</param>
public sealed record UncertaintyResponse(
    FigureBandResponse? TtftMs,
    FigureBandResponse? TpotMs,
    FigureBandResponse? E2eMs,
    PercentileBandsResponse? TtftPercentilesMs,
    PercentileBandsResponse? TpotPercentilesMs,
    FigureBandResponse? OutputTokensPerSecond,
    FigureBandResponse? OutputTokensPerSecondPerUser,
    FigureBandResponse WeightsGiB,
    FigureBandResponse KvCachePoolGiB,
    FigureBandResponse ActivationsGiB,
    FigureBandResponse? OutputTokensPerSecondPerGpu);

public static class BandMapping
{
    /// <summary>The band around <paramref name="value"/>.</summary>
    public static FigureBandResponse Around(this ErrorBand band, double value)
    {
        ArgumentNullException.ThrowIfNull(band);
        return new FigureBandResponse(Round(band.Low(value)), Round(band.High(value)), Math.Round(band.MedianErrorPct, 1), Math.Round(band.P90ErrorPct, 1),
            band.Rows, band.Basis, band.Calibrated);
    }

    /// <summary>The bands of each percentile, from the family's band.</summary>
    public static PercentileBandsResponse Around(this ErrorBand band, LatencyPercentiles percentiles)
    {
        ArgumentNullException.ThrowIfNull(band);
        return new(band.Around(percentiles.P50.Milliseconds), band.Around(percentiles.P90.Milliseconds), band.Around(percentiles.P99.Milliseconds));
    }

    /// <summary>The bands of an estimate's figures, around the figures themselves; no latency or throughput bands where the
    /// deployment does not fit (the response has no such figures).</summary>
    /// <param name="gpus">The GPUs the throughput is shared by (per-GPU figures).</param>
    public static UncertaintyResponse ToUncertainty(this DeploymentEstimate estimate, int gpus)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        var b = estimate.Bands;
        var p = estimate.Performance;
        var m = estimate.Memory;
        var runs = estimate.Fits;
        return new UncertaintyResponse(
            runs ? b.Ttft.Around(p.Ttft.Milliseconds) : null,
            runs ? b.Tpot.Around(p.Tpot.Milliseconds) : null,
            runs ? b.E2e.Around(p.E2e.Milliseconds) : null,
            runs ? b.Ttft.Around(p.TtftPercentiles) : null,
            runs ? b.Tpot.Around(p.TpotPercentiles) : null,
            runs ? b.Throughput.Around(p.OutputTokensPerSecond) : null,
            runs ? b.Throughput.Around(p.OutputTokensPerSecondPerUser) : null,
            b.Weights.Around(m.Weights.GiB),
            b.KvCachePool.Around(m.KvCachePool.GiB),
            b.Activations.Around(m.Activations.GiB),
            runs ? b.Throughput.Around(p.OutputTokensPerSecond / gpus) : null);
    }

    private static double Round(double value) => Math.Round(value, 3);
}
