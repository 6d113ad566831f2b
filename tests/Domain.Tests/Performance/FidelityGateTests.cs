using Sizing.Domain.Catalog;
using Sizing.Fidelity;

namespace Sizing.Domain.Tests.Performance;

/// <summary>
/// Regression gate on the public measured set: each metric family's median and 90th-percentile absolute percentage
/// error may not rise above what the model measured when it was last calibrated, plus a small margin. A change that makes
/// predictions worse fails here; a change that makes them better should lower these figures.
/// </summary>
/// <remarks>Measured with <c>dotnet run --project benchmarks/Fidelity -c Release</c> (figures in README.md).</remarks>
public sealed class FidelityGateTests
{
    // The GPU-fact file holds only gemm/membw rows: refused with a reason, so they leave the family statistics unchanged.
    private static readonly string[] CaseFiles = ["cases-public.csv", "cases-gpu-facts.csv"];

    private static readonly Lazy<IReadOnlyList<Prediction>> Predictions = new(() =>
        [.. CaseFiles.SelectMany(ReadCases).Select(row => CasePredictor.Predict(row, HardwareCatalog.BuiltIn))]);

    private static readonly string[] HeldOutFiles = ["cases-hardware.csv", "cases-serving-sweeps.csv"];

    private static readonly Lazy<IReadOnlyList<Prediction>> HeldOut = new(() =>
        [.. HeldOutFiles.SelectMany(ReadCases).Select(row => CasePredictor.Predict(row, HardwareCatalog.BuiltIn))]);

    // Issue 9 replaced the per-engine efficiencies fitted to these rows by per-GPU measured facts and a few engine constants
    // chosen on held-out sources, so the public figures rose (TPOT 4.9 → 15.8, TTFT 3.9 → 16.4 median; throughput 8.4 → 8.5)
    // while the held-out ones fell (HeldOutCases_* below); the bounds follow the measured figures with the usual margin.
    [Theory]
    [InlineData("tpot", 18.0, 28.0)]       // measured 15.8 / 24.8 (LMDeploy static batches, one source, an assumed profile)
    [InlineData("ttft", 19.0, 43.0)]       // measured 16.4 / 39.4
    [InlineData("throughput", 10.5, 53.0)] // measured 8.5 / 49.9
    [InlineData("collective", 10.0, 40.0)] // measured 7.8 / 36.2
    [InlineData("weights", 1.0, 2.0)]      // measured 0.0 / 0.2
    // Memory rows follow the engine release a row names; llm-d-benchmark's rows name none ("vllm/vllm-openai:latest") and are
    // predicted for the latest release, while their figures are a pre-0.11 release's (full-sort sampler warm-up, 0.54 GiB TP-2
    // non-torch). Per-release accuracy is gated in MemoryEstimatorTests (pools within 3 %, activation peaks within 5 %).
    [InlineData("kv", 6.0, 10.0)]          // measured 5.4 / 8.7
    [InlineData("activation", 62.0, 95.0)] // measured 60.8 / 92.3
    public void PublicCases_FamilyError_StaysWithinCalibratedBounds(string family, double maxMedian, double maxP90)
    {
        var statistics = FidelityReport.Summarise(Predictions.Value).Single(s => s.Family == family);

        Assert.True(statistics.Count > 0, $"no {family} cases were predicted");
        Assert.True(statistics.Median <= maxMedian, $"{family} median APE {statistics.Median:0.0} % exceeds {maxMedian} %");
        Assert.True(statistics.P90 <= maxP90, $"{family} p90 APE {statistics.P90:0.0} % exceeds {maxP90} %");
    }

    /// <summary>Sources none of the constants were fitted to (TensorRT-LLM's profile is fitted on public rows only; the vLLM
    /// and SGLang constants were chosen leaving each of these source groups out in turn, docs/physics.md).</summary>
    [Theory]
    [InlineData("tpot", 36.0)]       // measured 33.3
    [InlineData("ttft", 55.0)]       // measured 51.4
    [InlineData("e2e", 41.0)]        // measured 37.9
    [InlineData("throughput", 34.0)] // measured 30.6
    public void HeldOutCases_FamilyMedianError_StaysBelowWhatTheMechanismsReached(string family, double maxMedian)
    {
        var statistics = FidelityReport.Summarise(HeldOut.Value).Single(s => s.Family == family);

        Assert.True(statistics.Count > 40, $"only {statistics.Count} held-out {family} rows were predicted");
        Assert.True(statistics.Median <= maxMedian, $"held-out {family} median APE {statistics.Median:0.0} % exceeds {maxMedian} %");
    }

    [Fact]
    public void PublicCases_EveryDeploymentRow_IsAnswered()
    {
        var refused = Predictions.Value.Where(p => p.Refusal is not null && !IsGpuFact(p)).ToList();

        Assert.True(refused.Count == 0, "refused: " + string.Join("; ", refused.Select(p => $"{p.Case.Id}: {p.Refusal}")));
    }

    [Theory]
    [InlineData("gemm")]
    [InlineData("membw")]
    public void PublicCases_GpuFactRows_AreRefusedWithAReason(string kind)
    {
        var facts = Predictions.Value.Where(p => p.Case.Kind == kind).ToList();

        Assert.NotEmpty(facts);
        Assert.All(facts, p => Assert.Equal(kind, p.Family));
        Assert.All(facts, p => Assert.False(string.IsNullOrWhiteSpace(p.Refusal)));
    }

    private static bool IsGpuFact(Prediction prediction) => prediction.Case.Kind is "gemm" or "membw";

    private static IReadOnlyList<CaseRow> ReadCases(string file)
    {
        using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "TestData", file));
        return CaseCsv.Read(reader);
    }
}
