using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Recommendation;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Recommendation;

/// <summary>The search loads a layout only while it could still rank (<c>RankCutoff</c>): pruning must never change what it
/// answers, only how much it evaluates.</summary>
public sealed class RankCutoffTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    public static TheoryData<string, Objective> Searches() => new()
    {
        { "llama-3-70b", Objective.MinCost },
        { "llama-3-70b", Objective.MinGpus },
        { "llama-3-70b", Objective.MaxThroughputPerGpu },
        { "deepseek-v3", Objective.MinCost },
        { "deepseek-v3", Objective.MinGpus },
        { "deepseek-v3", Objective.MaxThroughputPerGpu },
    };

    [Theory]
    [MemberData(nameof(Searches))]
    public void Search_AskedForFewerPlans_ReturnsTheFirstOfTheLongerList(string model, Objective objective)
    {
        // A search for 4 plans prunes at the 4th plan found, one for 40 at the 40th: far fewer layouts are cut.
        var input = WholeCatalog(model, objective);

        var few = RecommendationSearch.Search(input with { Limit = 4 });
        var many = RecommendationSearch.Search(input with { Limit = 40 });

        Assert.Equal(4, few.Plans.Count);
        Assert.Equal(many.Plans.Take(4).Select(Describe), few.Plans.Select(Describe));
        Assert.True(few.RejectedByKind.GetValueOrDefault(RejectionKind.Outranked) > many.RejectedByKind.GetValueOrDefault(RejectionKind.Outranked));
    }

    [Fact]
    public void Search_OutrankedLayout_SaysWhatOutrankedItAndThatItsSloWasNotChecked()
    {
        var result = RecommendationSearch.Search(WholeCatalog("deepseek-v3", Objective.MinCost) with { Limit = 4, RejectedLimit = 5000 });

        var outranked = result.Rejected.Where(r => r.Kind == RejectionKind.Outranked).ToList();
        Assert.NotEmpty(outranked);
        var fourth = result.Plans[3].CostPerHourUsd;
        Assert.All(outranked, r =>
        {
            var cost = r.Replicas * r.Parallelism.GpusPerReplica * r.Hardware.Gpu.Price.UsdPerHour;
            var reason = Assert.Single(r.Reasons);
            Assert.StartsWith("outranked: ", reason, StringComparison.Ordinal);

            // Unloaded: its fewest replicas already cost more than the 4th plan. Loaded and missed: the next count would.
            var unloaded = reason.EndsWith("whether it meets the SLO was not checked", StringComparison.Ordinal);
            Assert.True(unloaded || reason.Contains("more replicas only cost more", StringComparison.Ordinal), reason);
            var next = unloaded ? cost : cost + (r.Parallelism.GpusPerReplica * r.Hardware.Gpu.Price.UsdPerHour);
            Assert.True(next > fourth, $"{r.Hardware.Gpu.Id} {r.Parallelism}: ${next:0.##}/h against the 4th plan's ${fourth:0.##}/h");
        });
    }

    private static string Describe(Plan p) => FormattableString.Invariant(
        $"{p.Hardware.Gpu.Id} {p.Weights} TP{p.Parallelism.Tensor} DP{p.Parallelism.AttentionData} EP{p.Parallelism.Expert} PP{p.Parallelism.Pipeline} ×{p.Replicas} ${p.CostPerHourUsd:0.##} B={p.ConcurrencyPerReplica} TPOT {p.Estimate.Performance.Tpot.Milliseconds:0.###} split={p.Disaggregation is not null}; {p.Why[1]}");

    /// <summary>Every catalog GPU; the dense model at 10 req/s on 16 GPUs, the MoE model as issue 10's wide-EP request.</summary>
    private static RecommendationInput WholeCatalog(string model, Objective objective)
    {
        var spec = Catalog.FindModel(model)!;
        var hardware = Catalog.Gpus.Select(g => new HardwareOption(g, g.Node.GpusPerNode, g.Node.IntraNode, InterNodeLink.InfiniBand)).ToList();
        return spec.Architecture.Moe is null
            ? new RecommendationInput(spec.Architecture, spec.HfId, hardware, 16, 2048, 256, 10,
                new ServiceLevel(Seconds.FromMilliseconds(2000), Seconds.FromMilliseconds(50)), [Precision.Bf16, Precision.Fp8], Objective: objective)
            : new RecommendationInput(spec.Architecture, spec.HfId, hardware, 256, 2000, 1000, 100,
                new ServiceLevel(Seconds.FromMilliseconds(2000), Seconds.FromMilliseconds(50)), [Precision.Fp8], Engine.Sglang, Objective: objective);
    }
}
