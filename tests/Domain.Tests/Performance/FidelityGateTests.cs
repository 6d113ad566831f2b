using System.Globalization;
using Sizing.Domain.Catalog;
using Sizing.Domain.Fidelity;
using Sizing.Fidelity;

namespace Sizing.Domain.Tests.Performance;

/// <summary>
/// Gate on what generalises: every measured row (TestData/cases-*.csv) is predicted by constants fitted without its source
/// (leave one source out, from the fold fits cached in benchmarks/Fidelity/cv-fits.json), and each family's and each large
/// engine's cross-validated median and p90 absolute percentage error may not rise above the figures measured when the
/// fits were last made, plus a margin of 10 % of the figure (at least one point). A change that makes held-out predictions
/// worse fails here; one that makes them better should lower these figures.
/// </summary>
/// <remarks>
/// Measured with <c>dotnet run --project benchmarks/Fidelity -c Release</c> (the table in README.md). After new rows or new
/// physics, refit with <c>dotnet run --project benchmarks/Fidelity -c Release -- --fit --write-bands</c> and restate these
/// figures and the known misses.
/// </remarks>
public sealed class FidelityGateTests
{
    private static readonly Lazy<IReadOnlyList<CaseRow>> Rows = new(CaseSets.All);

    private static readonly Lazy<CrossValidated> Cv = new(() =>
        CrossValidation.Replay(Rows.Value, HardwareCatalog.BuiltIn, FittedConstants.Document, CrossValidation.LoadFolds()));

    /// <summary>Rows whose held-out error exceeds 60 %, and why: a complete miss may not hide under a good median.</summary>
    private static readonly Dictionary<string, string> KnownLargeMisses = new(StringComparer.Ordinal)
    {
        ["ldb-003"] = NonTorchHeldOut,
        ["ldb-007"] = NonTorchHeldOut,
        ["ldb-015"] = NonTorchHeldOut,
        ["ldb-018"] = NonTorchHeldOut,
        ["ldb-022"] = NonTorchHeldOut,
        ["ldb-027"] = NonTorchHeldOut,
        ["ldb-035"] = NonTorchHeldOut,
        ["ldb-008"] = "gpt-oss-120b KV pool: held out, the MXFP4 alignment falls back to its 64 prior (2 GiB less weight) and the memory constants come from the RTX 3090 V0 log alone",
        ["trth200-005"] = "H200 launch blog, Llama-2-70B TP 2, a static batch of 512 × 2,176 tokens: 2.4× below the model in sample too; the blog's batch cannot all be in flight",
        ["trtpo-139"] = Maverick,
        ["trtpo-142"] = Maverick,
        ["trtpo-145"] = Maverick,
        ["trtperf05-018"] = TrtV05,
        ["trtperf05-020"] = TrtV05,
        ["trtperf05-022"] = TrtV05,
        ["trtperf05-024"] = TrtV05,
        ["lmd-077"] = "LMDeploy InternLM-20B TP 2, 64 prompts of 128 tokens take 2.5 s to a first token: a 65-69 % miss in sample too, and LMDeploy's only source, so held out its profile is the planning prior",
        ["stasres-001"] = TorchSmall,
        ["stasres-002"] = TorchSmall,
        ["stasres-003"] = TorchSmall,
        ["sglpr2904-023"] = CustomHeldOut,
        ["sglpr2904-024"] = CustomHeldOut,
        ["sglpr2904-025"] = CustomHeldOut,
        ["sglpr2904-026"] = CustomHeldOut,
        ["ncclt194-002"] = BridgeHeldOut,
        ["ncclt194-004"] = BridgeHeldOut,
    };

    private const string NonTorchHeldOut = "llm-d's H100 V1 non-torch line (0.13-0.14 GiB at TP 1): held out, only vllm#10517's RTX 3090 V0 log (0.35 GiB) fits non-torch memory";
    private const string Maverick = "Llama-4 Maverick offline throughput on 8×H100: the runs hold far fewer sequences than their KV memory suggests (1.5-1.9× optimistic in sample, while the H200 runs land within 15 %)";
    private const string TrtV05 = "TensorRT-LLM v0.5 static batches with 2,048-token outputs: 2023 attention kernels, 1.7-2.3× slower than the model in sample too";
    private const string TorchSmall = "torch.distributed all-reduce of small buffers on 8×H200 (ml-engineering results file): Python-side overhead per call that the NCCL model does not have";
    private const string CustomHeldOut = "sglang PR #2904 is the only source of custom all-reduce rows: held out, the kernel's constants are their priors (5 µs launch, 0.5 µs per peer) where the optimised kernel takes 3.7-5.9 µs";
    private const string BridgeHeldOut = "nccl-tests#194 is the only H100 NVLink-bridge source: held out, the bridge efficiency is its 0.75 prior where NCCL reaches 0.39 of the line rate";

    // Cross-validated figures measured with the fits of cv-fits.json (median / p90, %).
    [Theory]
    [InlineData("tpot", 15.0, 21.5)]       // measured 13.2 / 19.5
    [InlineData("ttft", 15.5, 43.5)]       // measured 13.8 / 39.1
    [InlineData("throughput", 17.0, 38.0)] // measured 15.3 / 34.3
    [InlineData("collective", 19.5, 67.0)] // measured 17.7 / 60.9
    [InlineData("weights", 1.0, 6.0)]      // measured 0.0 / 4.9
    [InlineData("kv", 6.0, 39.0)]          // measured 4.7 / 35.2
    [InlineData("activation", 50.0, 191.0)] // measured 45.2 / 173.2
    public void CrossValidated_FamilyError_StaysWithinMeasuredBounds(string family, double maxMedian, double maxP90)
    {
        var statistics = FidelityReport.Summarise(Cv.Value.HeldOut).Single(s => s.Family == family);

        Assert.True(statistics.Count > 0, $"no {family} rows were predicted");
        Assert.True(statistics.Median <= maxMedian, $"{family} CV median APE {statistics.Median:0.0} % exceeds {maxMedian} %");
        Assert.True(statistics.P90 <= maxP90, $"{family} CV p90 APE {statistics.P90:0.0} % exceeds {maxP90} %");
    }

    /// <summary>Every family × engine with at least 20 cross-validated rows (median / p90, %; measured in the comments).</summary>
    public static TheoryData<string, string, double, double> EngineBounds { get; } = new()
    {
        { "throughput", "trtllm", 17.0, 35.5 },    // measured 15.3 / 32.1
        { "throughput", "lmdeploy", 20.5, 24.0 },  // measured 18.2 / 21.5
        { "tpot", "lmdeploy", 15.0, 21.5 },        // measured 13.2 / 19.5
        { "ttft", "lmdeploy", 16.5, 45.0 },        // measured 14.7 / 40.6
        { "collective", "nccl", 13.5, 64.0 },      // measured 12.0 / 57.9
        { "collective", "custom-allreduce", 23.0, 71.0 }, // measured 20.7 / 64.1
        { "activation", "vllm", 50.0, 191.0 },     // measured 45.2 / 173.2
    };

    [Theory]
    [MemberData(nameof(EngineBounds))]
    public void CrossValidated_EngineError_StaysWithinMeasuredBounds(string family, string engine, double maxMedian, double maxP90)
    {
        var statistics = FidelityReport.Slice(Cv.Value.HeldOut.Where(p => p.Family == family && p.Engine == engine));

        Assert.True(statistics.Count >= 20, $"{family} of {engine}: only {statistics.Count} rows");
        Assert.True(statistics.Median <= maxMedian, $"{family} of {engine}: CV median APE {statistics.Median:0.0} % exceeds {maxMedian} %");
        Assert.True(statistics.P90 <= maxP90, $"{family} of {engine}: CV p90 APE {statistics.P90:0.0} % exceeds {maxP90} %");
    }

    [Fact]
    public void CrossValidated_EveryEngineWithTwentyRows_IsGated()
    {
        var gated = EngineBounds.Select(d => ((string)d[0], (string)d[1])).ToHashSet();

        var ungated = Cv.Value.HeldOut.Where(p => p.AbsolutePercentageError is not null)
            .GroupBy(p => (p.Family, p.Engine)).Where(g => g.Count() >= 20 && !gated.Contains(g.Key))
            .Select(g => $"{g.Key.Family} of {g.Key.Engine} ({g.Count()} rows)").ToList();

        Assert.True(ungated.Count == 0, "add bounds for: " + string.Join(", ", ungated));
    }

    [Fact]
    public void CrossValidated_LargeMisses_AreExactlyTheKnownOnes()
    {
        var misses = FidelityReport.LargeMisses(Cv.Value.HeldOut).ToDictionary(p => p.Case.Id, StringComparer.Ordinal);

        var unexplained = misses.Keys.Where(id => !KnownLargeMisses.ContainsKey(id)).Select(id => FidelityReport.Describe(misses[id])).ToList();
        var healed = KnownLargeMisses.Keys.Where(id => !misses.ContainsKey(id)).ToList();

        Assert.True(unexplained.Count == 0, $"new held-out misses above {FidelityReport.LargeMissPct} % (explain them in KnownLargeMisses):\n" + string.Join("\n", unexplained));
        Assert.True(healed.Count == 0, "listed as large misses but no longer are (remove them): " + string.Join(", ", healed));
    }

    [Fact]
    public void CrossValidated_EveryRow_IsPredictedByAFitThatExcludesItsSource()
    {
        Assert.True(Cv.Value.Problems.Count == 0, string.Join("\n", Cv.Value.Problems.Distinct(StringComparer.Ordinal)));
    }

    [Fact]
    public void PublicCases_EveryDeploymentRow_IsAnswered()
    {
        var refused = Cv.Value.InSample.Concat(Cv.Value.HeldOut)
            .Where(p => p.Refusal is not null && p.Regime != Regimes.GpuFact).Select(p => $"{p.Case.Id}: {p.Refusal}").Distinct().ToList();

        Assert.True(refused.Count == 0, "refused: " + string.Join("; ", refused));
    }

    [Fact]
    public void PublicCases_GpuFactRows_AreRefusedWithAReason()
    {
        var facts = Cv.Value.HeldOut.Where(p => p.Case.Kind is "gemm" or "membw").ToList();

        Assert.NotEmpty(facts);
        Assert.All(facts, p => Assert.False(string.IsNullOrWhiteSpace(p.Refusal)));
    }

    [Fact]
    public void Fits_RowsAndSources_MatchTheMeasuredSetsNow()
    {
        var catalog = HardwareCatalog.BuiltIn;
        Assert.Equal(FittedParameters.Groups.Order(StringComparer.Ordinal), FitGroups.All.Select(g => g.Name).Order(StringComparer.Ordinal));
        foreach (var group in FitGroups.All)
        {
            var fit = FittedConstants.For(group.Name);
            Assert.True(fit is not null, $"{group.Name} has no fit in fits.json");
            var rows = Rows.Value.Where(r => FitGroups.Of(r, catalog) == group).ToList();
            Assert.True(fit.RowCount == rows.Count, $"{group.Name}: fitted on {fit.RowCount} rows, the sets now hold {rows.Count}: refit");
            Assert.Equal(rows.Select(r => r.Document).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), fit.Sources);
            Assert.Equal(group.Parameters.Select(p => p.Key).Order(StringComparer.Ordinal), fit.Values.Keys.Order(StringComparer.Ordinal));
            foreach (var parameter in group.Parameters)
            {
                var value = fit.Values[parameter.Key];
                Assert.True(parameter.Choices?.Contains(value) ?? (value >= parameter.Low && value <= parameter.High), $"{parameter.Key} = {value} lies outside its range");
            }
        }
    }

    [Fact]
    public void FittedConstants_Describe_StatesRowsAndSourcesFromTheFit()
    {
        foreach (var parameter in FittedParameters.All)
        {
            var fit = FittedConstants.For(parameter.Group)!;
            var described = parameter.Describe(parameter.Get(Sizing.Domain.Performance.EstimatorAssumptions.Default));

            if (fit.RowCount > 0)
            {
                Assert.Equal(AssumptionBasis.Fit, described.Basis);
                Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"fit: {fit.RowCount} rows from {fit.Sources.Count} sources"), described.Source, StringComparison.Ordinal);
                Assert.Equal(fit.Values[parameter.Key], parameter.Get(Sizing.Domain.Performance.EstimatorAssumptions.Default), 9);
            }
            else
            {
                Assert.NotEqual(AssumptionBasis.Fit, described.Basis);
            }
        }
    }

    [Fact]
    public void ErrorBands_Embedded_MatchTheCrossValidationNow()
    {
        var now = BandBuilder.Serialize(BandBuilder.Build(Cv.Value.HeldOut));
        var embedded = BandBuilder.Serialize(ErrorBands.Document);

        Assert.True(now == embedded, "src/Domain/Fidelity/Data/error-bands.json is stale: run dotnet run --project benchmarks/Fidelity -c Release -- --write-bands");
    }
}
