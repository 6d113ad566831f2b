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

    private static readonly Lazy<IReadOnlyList<Prediction>> AsUser = new(() =>
        [.. HeldOutFiles.SelectMany(ReadCases).Select(row => CasePredictor.Predict(row, HardwareCatalog.BuiltIn, asUser: true))]);

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
    /// and SGLang host costs are priors no held-out publisher group identifies, docs/physics.md).</summary>
    /// <remarks>Issue 9, second pass: the vLLM/SGLang per-sequence host cost went from a 150 µs fit to a 20 µs prior. The fit
    /// absorbed one publisher's unidentified mechanisms (GPUStack's bursts of 100-1,000 prompts, about 1,000 of these rows), so
    /// the pooled figures rose (TPOT 33.3 → 40.6, TTFT 51.4 → 54.6, E2E 37.9 → 39.4, throughput 30.6 → 32.9) while every other
    /// publisher's fell or held (HeldOutCases_AsAUser_* below).</remarks>
    [Theory]
    [InlineData("tpot", 43.0)]       // measured 40.6
    [InlineData("ttft", 57.0)]       // measured 54.6
    [InlineData("e2e", 42.0)]        // measured 39.4
    [InlineData("throughput", 35.0)] // measured 32.9
    public void HeldOutCases_FamilyMedianError_StaysBelowWhatTheMechanismsReached(string family, double maxMedian)
    {
        var statistics = FidelityReport.Summarise(HeldOut.Value).Single(s => s.Family == family);

        Assert.True(statistics.Count > 40, $"only {statistics.Count} held-out {family} rows were predicted");
        Assert.True(statistics.Median <= maxMedian, $"held-out {family} median APE {statistics.Median:0.0} % exceeds {maxMedian} %");
    }

    /// <summary>The held-out rows sent as a user sends them (N clients and continuous batching, no run length), without the
    /// labelled known misses: what the mechanisms are for.</summary>
    [Theory]
    [InlineData("tpot", 13.0, 40.0)]       // measured 10.9 / 35.9
    [InlineData("ttft", 34.0, 90.0)]       // measured 31.4 / 87.3
    [InlineData("e2e", 18.0, 41.0)]        // measured 15.3 / 37.6
    [InlineData("throughput", 20.0, 95.0)] // measured 17.9 / 91.4
    public void HeldOutCases_AsAUser_WithoutKnownMisses_StayWithinWhatTheMechanismsReached(string family, double maxMedian, double maxP90)
    {
        var statistics = FidelityReport.Summarise(AsUser.Value.Where(p => KnownMiss(p.Case) is null).ToList()).Single(s => s.Family == family);

        Assert.True(statistics.Count > 70, $"only {statistics.Count} held-out {family} rows were predicted");
        Assert.True(statistics.Median <= maxMedian, $"held-out {family} median APE {statistics.Median:0.0} % exceeds {maxMedian} %");
        Assert.True(statistics.P90 <= maxP90, $"held-out {family} p90 APE {statistics.P90:0.0} % exceeds {maxP90} %");
    }

    [Fact]
    public void HeldOutCases_KnownMisses_AreTheGroupsDocsPhysicsNames()
    {
        var misses = AsUser.Value.Where(p => p.Case.Kind == "serving" && KnownMiss(p.Case) is not null)
            .GroupBy(p => KnownMiss(p.Case)!).ToDictionary(g => g.Key, g => g.Count());

        // Each group is a mechanism the model does not have (docs/physics.md, "What is left"); none may quietly grow.
        Assert.Equal(14, misses[SglangMxfp4Ampere]);
        Assert.Equal(305, misses[DstackEarlyEngines]);
        Assert.Equal(910, misses[GpustackBursts]);
        Assert.Equal(3, misses.Count);
    }

    /// <summary>Why a held-out row is a labelled known miss (docs/physics.md, "What is left"), or null.</summary>
    private static string? KnownMiss(CaseRow row) =>
        row["engine"] == "sglang" && row["gpu_id"].StartsWith("a100", StringComparison.Ordinal) && row["model_id"].StartsWith("gpt-oss", StringComparison.Ordinal) ? SglangMxfp4Ampere
        : row["source"].Contains("dstackai/benchmarks", StringComparison.Ordinal) ? DstackEarlyEngines
        : row["source"].Contains("gpustack/gpustack", StringComparison.Ordinal) && row["batching"] == "continuous-rate" ? GpustackBursts
        : null;

    private const string SglangMxfp4Ampere = "SGLang's MXFP4 fallback on Ampere (2.5-6 s per token)";
    private const string DstackEarlyEngines = "dstack: vLLM 0.6-0.7, SGLang 0.4 and early TensorRT-LLM DeepSeek/405B kernels";
    private const string GpustackBursts = "GPUStack bursts of 100-1,000 prompts (API-server preprocessing, ShareGPT tails, unexplained 1.5-2x prefill)";

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
