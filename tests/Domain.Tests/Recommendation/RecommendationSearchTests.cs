using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Performance;
using Sizing.Domain.Recommendation;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Recommendation;

public sealed class RecommendationSearchTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    [Fact]
    public void Search_SixGpuNodesFor64Heads_RejectsTp6AsInvalid()
    {
        var input = Input("llama-3-70b", "h100-sxm-80gb", maxGpus: 6, gpusPerNode: 6);

        var result = RecommendationSearch.Search(input);

        // vLLM asserts total_num_heads % tp_size == 0 (docs/formulas.md §1.7): 64 heads do not split 6 ways.
        var tp6 = Assert.Single(result.Rejected, r => r.Parallelism.Tensor == 6);
        Assert.Equal(RejectionKind.InvalidParallelism, tp6.Kind);
        Assert.Contains("64 attention heads are not divisible by tensor parallel 6", tp6.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Search_Llama70bBf16OnOneH100_RejectsWithWeightFigures()
    {
        var input = Input("llama-3-70b", "h100-sxm-80gb", maxGpus: 8);

        var result = RecommendationSearch.Search(input);

        // 70.55 B parameters × 2 bytes = 131.4 GiB of weights against 0.9 × 79.19 GiB = 71.3 GiB (docs/formulas.md §2f).
        var tp1 = Assert.Single(result.Rejected, r => r.Parallelism is { Tensor: 1, Pipeline: 1 });
        Assert.Equal(RejectionKind.DoesNotFit, tp1.Kind);
        Assert.Contains("needs 131.4 GiB of weights per GPU of 71.3 GiB usable", tp1.Reasons[0], StringComparison.Ordinal);
        Assert.True(tp1.MissRatio > 1.8);
    }

    [Fact]
    public void Search_Plan_HoldsTheConcurrencyLittlesLawNeeds()
    {
        var input = Input("llama-3-70b", "h100-sxm-80gb", maxGpus: 8, requestsPerSecond: 4);

        var plan = RecommendationSearch.Search(input).Plans.First(p => p.Disaggregation is null);

        // B = λ_replica × E2E(B), on whole requests: B requests in flight carry the load and B − 1 do not.
        var b = plan.ConcurrencyPerReplica;
        var oneFewer = DeploymentEstimator.Estimate(plan.Input with { Memory = plan.Input.Memory with { Concurrency = b - 1 } }).Performance.E2e.Value;
        Assert.True(plan.RequestsPerSecondPerReplica * plan.Estimate.Performance.E2e.Value <= b);
        Assert.True(plan.RequestsPerSecondPerReplica * oneFewer > b - 1);
        Assert.Equal(input.RequestsPerSecond, plan.RequestsPerSecondPerReplica * plan.Replicas, 9);
    }

    [Fact]
    public void Search_Plan_FiguresMatchAFullEstimateAtItsConcurrency()
    {
        var plan = RecommendationSearch.Search(Input("llama-3-70b", "h100-sxm-80gb", maxGpus: 8)).Plans[0];

        var direct = DeploymentEstimator.Estimate(plan.Input);

        Assert.Equal(plan.ConcurrencyPerReplica, direct.Performance.Concurrency);
        Assert.Equal(direct.Performance.Tpot.Value, plan.Estimate.Performance.Tpot.Value, 12);
        Assert.Equal(direct.Performance.Ttft.Value, plan.Estimate.Performance.Ttft.Value, 12);
        Assert.Equal(direct.Memory.KvCache, plan.Estimate.Memory.KvCache);
        Assert.Equal(plan.Estimate.Performance.Ttft + plan.Queueing, plan.Ttft);
    }

    [Fact]
    public void MD1Wait_GrowsWithoutBoundAsUtilizationNearsOne()
    {
        const double capacity = 10;

        var half = Queueing.MD1WaitSeconds(5, capacity);
        var ninety = Queueing.MD1WaitSeconds(9, capacity);
        var full = Queueing.MD1WaitSeconds(10, capacity);

        // ρ/(2μ(1 − ρ)): 0.5/(2·10·0.5) = 50 ms at half load, 0.9/(2·10·0.1) = 450 ms at 90 %.
        Assert.Equal(0.05, half, 12);
        Assert.Equal(0.45, ninety, 12);
        Assert.True(double.IsPositiveInfinity(full));
    }

    [Fact]
    public void Search_NearSaturation_QueueingRaisesTtft()
    {
        // One H100, TP 1: a single layout and replica, so only the load changes.
        var light = RecommendationSearch.Search(Input("llama-3-8b", "h100-sxm-80gb", maxGpus: 1, requestsPerSecond: 1, tpotMs: null, ttftMs: null)).Plans[0];
        var heavyRate = 0.95 * light.CapacityRequestsPerSecondPerReplica;

        var heavy = RecommendationSearch.Search(Input("llama-3-8b", "h100-sxm-80gb", maxGpus: 1, requestsPerSecond: heavyRate, tpotMs: null, ttftMs: null)).Plans[0];

        Assert.InRange(heavy.Utilization, 0.94, 0.96);
        Assert.True(heavy.Queueing.Value > 10 * light.Queueing.Value, $"{heavy.Queueing} vs {light.Queueing}");
        Assert.True(heavy.Ttft > light.Ttft);
        Assert.True(heavy.ConcurrencyPerReplica > light.ConcurrencyPerReplica);
    }

    [Theory]
    [InlineData(Objective.MinCost)]
    [InlineData(Objective.MinGpus)]
    [InlineData(Objective.MinLatency)]
    [InlineData(Objective.MaxThroughputPerGpu)]
    public void Search_Objective_OrdersPlansByIt(Objective objective)
    {
        var input = WholeCatalog("llama-3-70b", 16) with { Objective = objective, Limit = 20 };

        var plans = RecommendationSearch.Search(input).Plans;

        Assert.True(plans.Count > 5);
        Func<Plan, double> key = objective switch
        {
            Objective.MinCost => p => p.CostPerHourUsd,
            Objective.MinGpus => p => p.TotalGpus,
            Objective.MinLatency => p => p.Estimate.Performance.Tpot.Value,
            _ => p => -p.SaturatedOutputTokensPerSecondPerGpu,
        };
        Assert.Equal(plans.Select(key).Order(), plans.Select(key));
        Assert.Equal(Enumerable.Range(1, plans.Count), plans.Select(p => p.Rank));
        Assert.All(plans, p => Assert.True(p.MeetsSlo));
    }

    [Fact]
    public void Search_ImpossibleSlo_ReturnsNoPlanAndClosestMissesFirst()
    {
        var input = Input("llama-3-70b", "h100-sxm-80gb", maxGpus: 8, tpotMs: 2);

        var result = RecommendationSearch.Search(input);

        Assert.Empty(result.Plans);
        Assert.Contains(result.Warnings, w => w.Contains("no deployment meets the SLO", StringComparison.Ordinal));
        var misses = result.Rejected.TakeWhile(r => r.Kind == RejectionKind.MissesTpot).ToList();
        Assert.NotEmpty(misses);
        Assert.Equal(misses.Select(m => m.MissRatio).Order(), misses.Select(m => m.MissRatio));
        // The closest miss is the fastest layout: TP 8 on NVSwitch, still several times over 2 ms.
        Assert.Equal(8, misses[0].Parallelism.Tensor);
        Assert.Matches(@"misses TPOT: \d+(\.\d)? ms > 2 ms", misses[0].Reasons[0]);
    }

    [Fact]
    public void Search_CrossSocketPcie_PushesAwayFromTp8()
    {
        // The article's PCIe server: 8 A100 80GB on two sockets (topo SYS between sockets), against the same GPUs on NVSwitch.
        var pcie = RecommendationSearch.Search(Input("llama-3-70b", "a100-pcie-80gb", maxGpus: 8, link: IntraNodeLink.PcieCrossSocket, requestsPerSecond: 1, tpotMs: 150, ttftMs: 2000));
        var nvswitch = RecommendationSearch.Search(Input("llama-3-70b", "a100-sxm-80gb", maxGpus: 8, link: IntraNodeLink.NvSwitch, requestsPerSecond: 1, tpotMs: 150, ttftMs: 2000));

        Assert.NotEmpty(pcie.Plans);
        Assert.All(pcie.Plans, p => Assert.True(p.Parallelism.Tensor <= 4));
        var tp8 = Assert.Single(pcie.Rejected, r => r.Parallelism is { Tensor: 8, Pipeline: 1 });
        Assert.Equal(RejectionKind.MissesTpot, tp8.Kind);
        Assert.Contains(pcie.Plans.SelectMany(p => p.Why), w => w.StartsWith("TP 8 (larger): its TP 8 all-reduces would take", StringComparison.Ordinal) && w.Contains("cross-socket PCIe", StringComparison.Ordinal));
        Assert.Contains(nvswitch.Plans, p => p.Parallelism.Tensor == 8);
    }

    [Fact]
    public void Search_405bOnH100_PutsPipelineStagesAcrossNodesNotTensorParallelism()
    {
        var input = Input("llama-3.1-405b", "h100-sxm-80gb", maxGpus: 32, requestsPerSecond: 1, tpotMs: 100, ttftMs: 3000);

        var result = RecommendationSearch.Search(input);

        // 405.85 B × 2 bytes = 756 GiB: more than one 8 × 80 GB node holds once KV and runtime are added.
        var best = result.Plans[0];
        Assert.True(best.Parallelism.GpusPerReplica > 8);
        Assert.Equal(8, best.Parallelism.Tensor);
        Assert.False(best.ForcedAcrossNodes);
        Assert.Contains(best.Why, w => w.Contains("stages cross infiniband", StringComparison.Ordinal));
        Assert.Contains(result.Rejected, r => r.Kind == RejectionKind.SpansNodes && r.Parallelism.Tensor == 16);
    }

    [Fact]
    public void Search_MixtralOnFourGpus_EvaluatesExpertParallelLayouts()
    {
        var input = Input("mixtral-8x7b", "h100-sxm-80gb", maxGpus: 4, requestsPerSecond: 5, tpotMs: 50) with { Limit = 10 };

        var plans = RecommendationSearch.Search(input).Plans;

        var ep = Assert.Single(plans, p => p.Parallelism is { Tensor: 4, Expert: 4 });
        Assert.Contains("--enable-expert-parallel", ep.EngineArgs.Vllm, StringComparison.Ordinal);
        Assert.Contains("--ep-size 4", ep.EngineArgs.Sglang, StringComparison.Ordinal);
        Assert.Contains(ep.Why, w => w.StartsWith("EP 4 inside TP 4: each GPU group holds 2 of 8 experts", StringComparison.Ordinal));
    }

    [Fact]
    public void CountCandidates_WholeCatalog70bOn16Gpus_MatchesWhatTheSearchEvaluates()
    {
        var input = WholeCatalog("llama-3-70b", 16);

        var count = RecommendationSearch.CountCandidates(input.Model, input.Hardware.Select(h => h.GpusPerNode), 2, 16, Engine.Vllm);
        var result = RecommendationSearch.Search(input);

        Assert.Equal(count, result.CandidatesEvaluated);
        Assert.InRange(result.CandidatesEvaluated, 2000, 5000);
        Assert.False(result.Truncated);
        Assert.NotEmpty(result.ParetoFront);
        var front = result.ParetoFront;
        Assert.True(front.Zip(front.Skip(1)).All(p => p.First.OutputTokensPerSecondPerUser >= p.Second.OutputTokensPerSecondPerUser
            && p.First.OutputTokensPerSecondPerGpu < p.Second.OutputTokensPerSecondPerGpu));
    }

    [Fact]
    public void Search_TimeBudgetSpent_ReportsTruncated()
    {
        var input = WholeCatalog("llama-3-70b", 16) with { Stop = new CancellationToken(canceled: true) };

        var result = RecommendationSearch.Search(input);

        Assert.True(result.Truncated);
        Assert.Contains(result.Warnings, w => w.Contains("time budget", StringComparison.Ordinal));
    }

    private static RecommendationInput Input(
        string model, string gpu, int maxGpus, int? gpusPerNode = null, IntraNodeLink? link = null,
        double requestsPerSecond = 2, double? tpotMs = 50, double? ttftMs = 1000)
    {
        var spec = Catalog.FindModel(model)!;
        var g = Catalog.FindGpu(gpu)!;
        return new RecommendationInput(spec.Architecture, spec.HfId,
            [new HardwareOption(g, gpusPerNode ?? g.Node.GpusPerNode, link ?? g.Node.IntraNode, InterNodeLink.InfiniBand)],
            maxGpus, 2048, 256, requestsPerSecond,
            new ServiceLevel(ttftMs is { } t ? Seconds.FromMilliseconds(t) : null, tpotMs is { } p ? Seconds.FromMilliseconds(p) : null),
            [Precision.Bf16]);
    }

    private static RecommendationInput WholeCatalog(string model, int maxGpus)
    {
        var spec = Catalog.FindModel(model)!;
        return new RecommendationInput(spec.Architecture, spec.HfId,
            [.. Catalog.Gpus.Select(g => new HardwareOption(g, g.Node.GpusPerNode, g.Node.IntraNode, InterNodeLink.InfiniBand))],
            maxGpus, 2048, 256, 10, new ServiceLevel(Seconds.FromMilliseconds(2000), Seconds.FromMilliseconds(50)), [Precision.Bf16, Precision.Fp8]);
    }
}
