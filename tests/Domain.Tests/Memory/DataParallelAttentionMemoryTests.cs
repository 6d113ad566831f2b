using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;

namespace Sizing.Domain.Tests.Memory;

/// <summary>Per-rank memory under DP attention: each rank keeps its own sequences' KV (TensorRT-LLM parallel-strategy.md:
/// "The KV-cache is partitioned, because different user requests are routed to different DP ranks"), and EP splits the
/// expert slots over the whole MoE group.</summary>
public sealed class DataParallelAttentionMemoryTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    private static MemoryEstimate Estimate(Parallelism parallelism, int concurrency, Engine engine = Engine.Trtllm) =>
        MemoryEstimator.Estimate(new MemoryInput(
            Catalog.FindModel("deepseek-r1")!.Architecture, Catalog.FindGpu("h200-sxm-141gb")!, parallelism, Precision.Fp8,
            KvCacheDefaults.For(engine, Precision.Fp8), engine, 2048, 2048, concurrency));

    [Fact]
    public void KvCache_Dep8_HoldsAnEighthOfTep8()
    {
        // TEP8 keeps every sequence's MLA latent on all 8 ranks (sglang#2591); DEP8 gives each rank 1/8 of the sequences.
        // 64 sequences, which both layouts hold (past what a pool holds the rest queue and KvCache counts only the resident ones).
        var tep8 = Estimate(new Parallelism(8, 1, 8), 64);
        var dep8 = Estimate(Parallelism.Layout(1, 1, 8, 8), 64);

        Assert.Equal(tep8.KvCache.Value, dep8.KvCache.Value * 8);
        Assert.Equal(tep8.KvCacheBytesPerTokenPerGpu, dep8.KvCacheBytesPerTokenPerGpu);
    }

    [Fact]
    public void MaxConcurrentSequences_Dep8_CountsEveryRanksPool()
    {
        var dep8 = Estimate(Parallelism.Layout(1, 1, 8, 8), 64);
        var perSequence = dep8.KvCache.Value / 8.0; // 64 sequences over 8 ranks: 8 on each

        // Each rank's pool holds whole blocks, so the count sits a fraction of a block below pool / sequence.
        Assert.Equal(8 * dep8.KvCachePool.Value / perSequence, dep8.MaxConcurrentSequences, 8 * 0.1);
    }

    [Fact]
    public void RoutedExperts_Dep8AndTep8_HoldTheSameExpertBytes()
    {
        var model = Catalog.FindModel("deepseek-r1")!.Architecture;

        var tep8 = WeightCalculator.RoutedExpertBytes(model, new Parallelism(8, 1, 8), Precision.Fp8, Engine.Trtllm, MemoryAssumptions.Default);
        var dep8 = WeightCalculator.RoutedExpertBytes(model, Parallelism.Layout(1, 1, 8, 8), Precision.Fp8, Engine.Trtllm, MemoryAssumptions.Default);

        Assert.Equal(tep8, dep8, 1e-6);
    }

    [Fact]
    public void Weights_Dep8_ReplicateAttentionAndDenseLayers()
    {
        var tep8 = Estimate(new Parallelism(8, 1, 8), 8);
        var dep8 = Estimate(Parallelism.Layout(1, 1, 8, 8), 8);

        // Same experts per GPU, but every DP rank holds whole attention, dense FFN and vocabulary weights.
        Assert.True(dep8.Weights > tep8.Weights);
    }

    [Fact]
    public void RoutedExperts_Ep72With32Redundant_HoldFourSlotsPerGpu()
    {
        // lmsys 2025-05-05: 256 + 32 redundant experts = 288 slots over EP72, i.e. 4 per GPU.
        var model = Catalog.FindModel("deepseek-v3")!.Architecture;
        var all = WeightCalculator.RoutedExpertBytes(model, Parallelism.None, Precision.Fp8, Engine.Sglang, MemoryAssumptions.Default);

        var ep72 = WeightCalculator.RoutedExpertBytes(model, new Parallelism(1, 1, 72, 72, 72, 32), Precision.Fp8, Engine.Sglang, MemoryAssumptions.Default);

        Assert.Equal(all * 4 / 256, ep72, all * 1e-9);
    }
}
