using System.Globalization;
using Sizing.Domain.Catalog;
using Sizing.Fidelity;
using Xunit.Abstractions;

namespace Sizing.Domain.Tests.Communication;

/// <summary>
/// Predicts every <c>collective</c> row of the public calibration set (TestData/cases-public.csv, a copy of
/// shared/calibration/cases-public.csv) through the fidelity benchmark's mapping and bounds the absolute percentage error
/// per metric. No row is special-cased: the model only sees the hardware, the operation, the size and the implementation.
/// </summary>
public sealed class CollectivesCalibrationTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<Prediction>> Predictions = new(() =>
    {
        using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "TestData", "cases-public.csv"));
        return [.. CaseCsv.Read(reader).Where(row => row.Kind == "collective").Select(row => CasePredictor.Predict(row, HardwareCatalog.BuiltIn))];
    });

    // Measured with CommunicationAssumptions.Default (numpy-style percentiles): collective_us 13.6 % / p90 41.9 %,
    // collective_busbw_GBps 5.3 % / p90 30.4 %. Bounds add a small margin.
    [Theory]
    [InlineData("collective_us", 16.0, 45.0)]
    [InlineData("collective_busbw_GBps", 7.0, 33.0)]
    public void Estimate_PublicCollectiveRows_StayWithinMeasuredError(string metric, double maxMedian, double maxP90)
    {
        var errors = Predictions.Value.Where(p => p.Case.Metric == metric).Select(p => p.AbsolutePercentageError!.Value).Order().ToList();

        var median = FidelityReport.Percentile(errors, 0.5);
        var p90 = FidelityReport.Percentile(errors, 0.9);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{metric}: n={errors.Count} median={median:0.0} % p90={p90:0.0} %"));
        Assert.True(errors.Count >= 40, $"only {errors.Count} {metric} rows");
        Assert.True(median <= maxMedian, $"median {median:0.0} % > {maxMedian} %");
        Assert.True(p90 <= maxP90, $"p90 {p90:0.0} % > {maxP90} %");
    }
}
