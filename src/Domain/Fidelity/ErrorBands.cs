using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using static Sizing.Domain.InvariantText;

namespace Sizing.Domain.Fidelity;

/// <summary>The metric families the fidelity program scores, each with its own error band.</summary>
public enum FigureFamily
{
    [JsonStringEnumMemberName("ttft")] Ttft,
    [JsonStringEnumMemberName("tpot")] Tpot,
    [JsonStringEnumMemberName("e2e")] E2e,

    /// <summary>Output tokens per second of a replica, per GPU and per user.</summary>
    [JsonStringEnumMemberName("throughput")] Throughput,

    /// <summary>Collective time; bus-bandwidth rows count as their time (measured over predicted time).</summary>
    [JsonStringEnumMemberName("collective")] Collective,
    [JsonStringEnumMemberName("weights")] Weights,

    /// <summary>KV pool, token capacity and maximum concurrency.</summary>
    [JsonStringEnumMemberName("kv")] KvCache,

    /// <summary>Activation peak, peak torch memory and non-torch memory.</summary>
    [JsonStringEnumMemberName("activation")] Activation,
}

/// <summary>The cross-validated error of one class of rows: engine and GPU class null = all of them.</summary>
/// <param name="Rows">Cross-validated rows in the class.</param>
/// <param name="MedianErrorPct">Median absolute percentage error.</param>
/// <param name="P90ErrorPct">90th-percentile absolute percentage error.</param>
/// <param name="RatioP10">10th percentile of measured over predicted.</param>
/// <param name="RatioP90">90th percentile of measured over predicted.</param>
public sealed record BandCell(FigureFamily Family, string? Engine, string? GpuClass, int Rows, double MedianErrorPct, double P90ErrorPct, double RatioP10, double RatioP90);

/// <summary>The embedded band file (Data/error-bands.json), written by benchmarks/Fidelity <c>--write-bands</c>.</summary>
public sealed record ErrorBandDocument(string Command, IReadOnlyList<BandCell> Cells);

/// <summary>The range a measured figure should fall in, from the cross-validated error of comparable rows.</summary>
/// <param name="RatioLow">Lower edge as a multiple of the predicted figure (≤ 1).</param>
/// <param name="RatioHigh">Upper edge as a multiple of the predicted figure (≥ 1).</param>
/// <param name="MedianErrorPct">Median absolute percentage error of the class the band comes from (widened where uncalibrated).</param>
/// <param name="P90ErrorPct">90th-percentile absolute percentage error of that class.</param>
/// <param name="Rows">Cross-validated rows behind the band.</param>
/// <param name="Basis">Which class the band comes from and why, in words.</param>
/// <param name="Calibrated">False when no measured row shares the engine or the GPU class: the band is widened.</param>
public sealed record ErrorBand(double RatioLow, double RatioHigh, double MedianErrorPct, double P90ErrorPct, int Rows, string Basis, bool Calibrated)
{
    public double Low(double value) => value * RatioLow;

    public double High(double value) => value * RatioHigh;

    /// <summary>The band of a figure that is the inverse of this one's (bus bandwidth from collective time).</summary>
    public ErrorBand Inverse() => this with { RatioLow = 1 / RatioHigh, RatioHigh = 1 / RatioLow };
}

/// <summary>
/// Error bands for predicted figures: the cross-validated error (leave one source out, docs/calibration.md) of the
/// figure's family for the engine and GPU class in question.
/// </summary>
/// <remarks>
/// The band is the 10th-90th percentile of measured/predicted over the class's rows, so it may be asymmetric; it always
/// contains the prediction itself. A class with fewer than <see cref="MinimumRows"/> rows falls back to the engine's rows
/// of that family on every GPU, then to the family's overall figure. Where no row of the family shares the engine or the
/// GPU class, the band is widened by <see cref="UncalibratedWidening"/> (an assumption, reported as such).
/// </remarks>
public static class ErrorBands
{
    public const string ResourceName = "Sizing.Domain.Fidelity.error-bands.json";

    /// <summary>Fewest rows a class needs before its own figures are used.</summary>
    public const int MinimumRows = 10;

    /// <summary>Factor applied to an uncalibrated class's band: its log-ratio edges and its error percentages.</summary>
    /// <remarks>An assumption: a class no measured row covers is expected to err about twice as far as the family at large.</remarks>
    public const double UncalibratedWidening = 2.0;

    public static ErrorBandDocument Document { get; } = Load();

    private static readonly FrozenDictionary<(FigureFamily, string?, string?), BandCell> Cells =
        Document.Cells.ToFrozenDictionary(c => (c.Family, c.Engine, c.GpuClass));

    /// <summary>The GPU class bands are kept per: vendor and architecture, e.g. <c>nvidia-hopper</c>.</summary>
    public static string GpuClass(Catalog.GpuSpec gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return gpu.Vendor + "-" + gpu.Architecture;
    }

    /// <summary>The band of a <paramref name="family"/> figure predicted for <paramref name="engine"/> on a <paramref name="gpuClass"/> GPU.</summary>
    /// <remarks>A family no row measures borrows the band of the figure it is built from: E2E = TTFT + (out − 1)·TPOT is TPOT's
    /// for any but the shortest outputs.</remarks>
    public static ErrorBand For(FigureFamily family, string engine, string gpuClass)
    {
        if (family == FigureFamily.E2e && !Cells.ContainsKey((family, null, null)))
        {
            var tpot = For(FigureFamily.Tpot, engine, gpuClass);
            return tpot with { Basis = "no cross-validated e2e rows, so TPOT's band: " + tpot.Basis };
        }

        var label = EnumText.Of(family);
        var engineRows = Cells.GetValueOrDefault((family, engine, null))?.Rows ?? 0;
        var classRows = Cells.GetValueOrDefault((family, null, gpuClass))?.Rows ?? 0;
        var (cell, basis) = Cells.GetValueOrDefault((family, engine, gpuClass)) is { Rows: >= MinimumRows } own
            ? (own, Invariant($"{own.Rows} cross-validated {label} rows of {engine} on {gpuClass}"))
            : Cells.GetValueOrDefault((family, engine, null)) is { Rows: >= MinimumRows } byEngine
                ? (byEngine, Invariant($"{byEngine.Rows} cross-validated {label} rows of {engine} on every GPU (fewer than {MinimumRows} on {gpuClass})"))
                : Cells.GetValueOrDefault((family, null, null)) is { } overall
                    ? (overall, Invariant($"all {overall.Rows} cross-validated {label} rows (fewer than {MinimumRows} of {engine} on {gpuClass})"))
                    : (null, Invariant($"no cross-validated {label} rows"));
        if (cell is null)
        {
            return new ErrorBand(0.5, 2.0, 50, 100, 0, basis + "; ±2× assumed", false);
        }

        var band = new ErrorBand(Math.Min(cell.RatioP10, 1), Math.Max(cell.RatioP90, 1), cell.MedianErrorPct, cell.P90ErrorPct, cell.Rows, basis, true);
        if (engineRows > 0 && classRows > 0)
        {
            return band;
        }

        var missing = engineRows == 0 && classRows == 0 ? Invariant($"{engine} on {gpuClass}") : engineRows == 0 ? engine : gpuClass;
        var w = UncalibratedWidening;
        return band with
        {
            RatioLow = Math.Pow(band.RatioLow, w),
            RatioHigh = Math.Pow(band.RatioHigh, w),
            MedianErrorPct = band.MedianErrorPct * w,
            P90ErrorPct = band.P90ErrorPct * w,
            Basis = Invariant($"{basis}; widened ×{w} because no measured {label} row covers {missing} (an assumption)"),
            Calibrated = false,
        };
    }

    /// <summary>The band of a collective's time run by <paramref name="implementation"/> on <paramref name="gpu"/>.</summary>
    public static ErrorBand ForCollective(Communication.CollectiveImplementation implementation, Catalog.GpuSpec gpu) =>
        For(FigureFamily.Collective, EnumText.Of(implementation), GpuClass(gpu));

    public static ErrorBandDocument Parse(Stream json) =>
        JsonSerializer.Deserialize(json, FidelityJsonContext.Default.ErrorBandDocument) ?? throw new InvalidDataException("empty band document");

    private static ErrorBandDocument Load()
    {
        using var stream = EmbeddedResource.Open(ResourceName);
        return Parse(stream);
    }

}

/// <summary>The deployment figures' bands.</summary>
public sealed record EstimateBands(
    ErrorBand Ttft,
    ErrorBand Tpot,
    ErrorBand E2e,
    ErrorBand Throughput,
    ErrorBand Weights,
    ErrorBand KvCachePool,
    ErrorBand Activations)
{
    /// <summary>Bands already built, per engine and GPU class: a search asks for the same few thousands of times. Bounded, since
    /// a request may describe its own GPU (and with it a class).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Deployment.Engine, string), EstimateBands> Built = new();

    private const int MaxBuilt = 256;

    public static EstimateBands For(Deployment.Engine engine, Catalog.GpuSpec gpu)
    {
        var gpuClass = ErrorBands.GpuClass(gpu);
        if (Built.TryGetValue((engine, gpuClass), out var built))
        {
            return built;
        }

        var bands = Build(engine, gpuClass);
        if (Built.Count < MaxBuilt)
        {
            Built.TryAdd((engine, gpuClass), bands);
        }

        return bands;
    }

    private static EstimateBands Build(Deployment.Engine engine, string gpuClass)
    {
        var name = EnumText.Of(engine);
        return new(
            ErrorBands.For(FigureFamily.Ttft, name, gpuClass),
            ErrorBands.For(FigureFamily.Tpot, name, gpuClass),
            ErrorBands.For(FigureFamily.E2e, name, gpuClass),
            ErrorBands.For(FigureFamily.Throughput, name, gpuClass),
            ErrorBands.For(FigureFamily.Weights, name, gpuClass),
            ErrorBands.For(FigureFamily.KvCache, name, gpuClass),
            ErrorBands.For(FigureFamily.Activation, name, gpuClass));
    }
}
