using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Moe;
using Sizing.Domain.Performance;

namespace Sizing.Domain.Tests.Moe;

/// <summary>Issue 10's bars for one DeepSeek-R1 node: TP 8 with and without EP, and DP 8 attention with EP 8, as vLLM's own
/// recipe runs them (vllm-project/recipes @8959cf64 DeepSeek/DeepSeek-V3.md: "Tensor Parallel + Expert Parallel (TP8+EP)" and
/// "Data Parallel + Expert Parallel (DP8+EP)" on 8×H200 in FP8; "Tensor-parallel is usually better for low-latency / low-load
/// scenarios, while data-parallel works better for high-load workloads").</summary>
public sealed class WideExpertParallelServingTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    private static PerformanceEstimate Run(Parallelism parallelism, int concurrency, Engine engine = Engine.Vllm, MoeExchange? exchange = null)
    {
        var gpu = Catalog.FindGpu("h200-sxm-141gb")!;
        var memory = new MemoryInput(Catalog.FindModel("deepseek-r1")!.Architecture, gpu, parallelism, Precision.Fp8,
            KvCacheDefaults.For(engine, Precision.Fp8), engine, 3072, 3072, concurrency);
        var topology = new Topology(gpu, 8, IntraNodeLink.NvSwitch, InterNodeLink.InfiniBand);
        var estimate = DeploymentEstimator.Estimate(new DeploymentInput(memory, topology, 2048, 1024, Batching.Continuous, MoeExchange: exchange));
        Assert.True(estimate.Fits, string.Join("; ", estimate.Warnings));
        return estimate.Performance;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(256)]
    public void Tpot_DeepSeekR1Fp8On8H200_Tp8PlusEp8IsWithinTenPercentOfTp8(int concurrency)
    {
        // Without DP attention every rank holds every token: the experts run where they sit and the layer ends in the same
        // all-reduce as TP (vLLM use_all2all_kernels needs DP > 1), so EP only moves whole experts between the same 8 GPUs.
        var tp = Run(new Parallelism(8), concurrency);
        var tpEp = Run(new Parallelism(8, 1, 8), concurrency);

        Assert.InRange(tpEp.Tpot / tp.Tpot, 0.9, 1.1);
        Assert.InRange(tpEp.OutputTokensPerSecond / tp.OutputTokensPerSecond, 0.9, 1.1);
    }

    [Theory]
    [InlineData(Engine.Vllm, null)]
    [InlineData(Engine.Sglang, null)]
    [InlineData(Engine.Sglang, MoeExchange.DeepEp)]
    public void Throughput_DeepSeekR1Fp8On8H200AtHighConcurrency_Dp8Ep8BeatsTp8AndTp8Ep8(Engine engine, MoeExchange? exchange)
    {
        // DP attention: each rank keeps its own requests' MLA latents, so the node holds ~8× the sequences of TP 8 (whose
        // every GPU holds every latent), and the experts see the whole node's tokens at once.
        var tp = Run(new Parallelism(8), 1024, engine);
        var tpEp = Run(new Parallelism(8, 1, 8), 1024, engine);
        var dpEp = Run(Parallelism.Layout(1, 1, 8, 8), 1024, engine, exchange);

        Assert.True(dpEp.OutputTokensPerSecond > tp.OutputTokensPerSecond, $"DP8+EP8 {dpEp.OutputTokensPerSecond:0} vs TP8 {tp.OutputTokensPerSecond:0}");
        Assert.True(dpEp.OutputTokensPerSecond > tpEp.OutputTokensPerSecond, $"DP8+EP8 {dpEp.OutputTokensPerSecond:0} vs TP8+EP8 {tpEp.OutputTokensPerSecond:0}");
        Assert.True(dpEp.Capacity > 4 * tp.Capacity);
    }

    [Fact]
    public void Tpot_DeepSeekR1Fp8On8H200WithOneRequest_Tp8IsFasterThanDp8()
    {
        // The recipe's other half: at low load TP spreads one request's attention and dense layers over 8 GPUs; DP 8 runs
        // them on one.
        var tp = Run(new Parallelism(8), 1);
        var dpEp = Run(Parallelism.Layout(1, 1, 8, 8), 1);

        Assert.True(tp.Tpot < dpEp.Tpot);
    }

    [Fact]
    public void Communication_Dp8Ep8_ExchangesTokensWhereTp8AllReduces()
    {
        var tp = Run(new Parallelism(8, 1, 8), 256).DecodeStep.Collectives;
        var dp = Run(Parallelism.Layout(1, 1, 8, 8), 256).DecodeStep.Collectives;

        Assert.Equal(0, tp.AllToAllLayers);
        Assert.Equal(122, tp.AllReduces);  // 2 per layer × 61 layers
        Assert.Equal(58, dp.AllToAllLayers); // the 58 MoE layers (first_k_dense_replace 3)
        Assert.Equal(0, dp.AllReduces);      // attention TP 1
        Assert.True(dp.DispatchBytes.Value > 0);
    }
}
