using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Disaggregation;
using Sizing.Domain.Memory;
using Sizing.Domain.Moe;
using Sizing.Domain.Performance;
using Sizing.Domain.Speculative;

namespace Sizing.Domain.Tests.Disaggregation;

/// <summary>Prefill and decode pools on the step model (DistServe, OSDI 2024; Splitwise, ISCA 2024), checked against SGLang's
/// 96-H100 DeepSeek deployment (lmsys.org/blog/2025-05-05-large-scale-ep; docs/published-deployments.md).</summary>
public sealed class DisaggregatedEstimatorTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;
    private static readonly GpuSpec H100 = Catalog.FindGpu("h100-sxm-80gb")!;
    private static readonly Topology H100Nodes = new(H100, 8, IntraNodeLink.NvSwitch, InterNodeLink.InfiniBand);

    /// <summary>DeepSeek-V3 in FP8 on H100 under SGLang, 2,000-token prompts and 1,000 output tokens (the blog's 2K inputs).</summary>
    private static DeploymentInput DeepSeek(int? batchedTokens = null)
    {
        var memory = new MemoryInput(Catalog.FindModel("deepseek-v3")!.Architecture, H100, Parallelism.None, Precision.Fp8,
            KvCacheDefaults.For(Engine.Sglang, Precision.Fp8), Engine.Sglang, 3000, 3000, MaxNumBatchedTokens: batchedTokens);
        return new DeploymentInput(memory, H100Nodes, 2000, 1000, Batching.Continuous);
    }

    /// <summary>The blog's pools: EP32 prefill on 4 nodes, EP72 decode on 9 nodes, both with 32 redundant experts (288 slots).</summary>
    private static DisaggregatedEstimate Lmsys(double requestsPerSecond, int prefillInstances = 1, int? batchedTokens = null, SpeculativeConfiguration? speculative = null) =>
        DisaggregatedEstimator.Estimate(new DisaggregatedInput(DeepSeek(batchedTokens),
            new PoolConfiguration(new Parallelism(1, 1, 32, 32, 32, 32), prefillInstances, H100Nodes, MoeExchange.DeepEp),
            new PoolConfiguration(new Parallelism(1, 1, 72, 72, 72, 32), 1, H100Nodes, MoeExchange.DeepEp),
            KvTransferLink.InfiniBand, requestsPerSecond, Speculative: speculative));

    [Fact]
    public void PrefillPool_DeepSeekV3Ep32OnFourH100Nodes_IsWithinAFifthOfTheBlogsThroughputPerNode()
    {
        // lmsys 2025-05-05, "Performance Analysis of Prefill and Decode Phases": 54,543 prompt tokens/s per node at 2K inputs
        // on 4 nodes with EP32 (16,384 tokens per device per batch). No constant was fitted to this figure.
        var estimate = Lmsys(10, batchedTokens: 16_384);

        Assert.InRange(estimate.Serving.Prefill.CapacityTokensPerSecondPerNode / 54_543, 0.8, 1.2);
        Assert.Equal(4, estimate.Serving.Prefill.Nodes);
    }

    [Fact]
    public void DecodePool_DeepSeekV3Ep72OnNineH100Nodes_CapacityPerNodeIsWithinAFifthOfTheBlog()
    {
        // lmsys 2025-05-05: 22,282 output tokens/s per node for 2K inputs at batch 256 per GPU on 9 nodes (EP72, 288 slots).
        // The pool here runs what its KV pool holds (a little under 256 per GPU at prompt + half the output).
        var estimate = Lmsys(10);

        Assert.InRange(estimate.Serving.Decode.CapacityTokensPerSecondPerNode / 22_282, 0.8, 1.2);
        Assert.Equal(9, estimate.Serving.Decode.Nodes);
        Assert.InRange(estimate.Decode.Capacity / 72.0, 180, 256);
    }

    [Fact]
    public void Ttft_IsTheQueuePlusOnePrefillPlusTheKvTransfer_AndTpotIsTheDecodePoolsOwn()
    {
        var estimate = Lmsys(50);
        var serving = estimate.Serving;

        Assert.True(estimate.Fits, string.Join("; ", estimate.Reasons));
        Assert.Equal((serving.PrefillQueue + estimate.PrefillTime + serving.KvTransfer).Value, serving.Ttft.Value, 9);
        Assert.Equal(serving.Tpot, estimate.DecodeInstance.Performance.Tpot);
        Assert.Equal(serving.Ttft, estimate.DecodeInstance.Performance.Ttft);
        // MLA: 61 layers × (512 + 64) latent elements × 2 bytes (bf16 KV) × 2,000 prompt tokens.
        Assert.Equal(61L * 576 * 2 * 2000, serving.KvBytesPerRequest.Value);
    }

    [Fact]
    public void RateMatch_TwicePrefillInstances_DoublesThePrefillCapacityOverDecode()
    {
        var one = Lmsys(50).Serving;
        var two = Lmsys(50, prefillInstances: 2).Serving;

        Assert.Equal(2 * one.RateMatch, two.RateMatch, 6);
        Assert.True(two.PrefillQueue < one.PrefillQueue);
    }

    [Fact]
    public void Estimate_BeyondThePrefillPool_IsInfeasibleAndSaysWhichPool()
    {
        var estimate = Lmsys(200);

        Assert.False(estimate.Fits);
        Assert.Contains(estimate.Reasons, r => r.StartsWith("the prefill pool saturates", StringComparison.Ordinal));
        Assert.False(double.IsFinite(estimate.Serving.Ttft.Value));
    }

    [Fact]
    public void Tpot_DecodePool_BeatsTheAggregatedStepsThatCarryPromptChunks()
    {
        // DistServe §2: in a colocated engine prefill steps interrupt the decodes; a decode instance's steps carry none.
        var llama = Catalog.FindModel("llama-3.1-70b")!.Architecture;
        var memory = new MemoryInput(llama, H100, new Parallelism(4), Precision.Bf16, Precision.Bf16, Engine.Vllm, 4096, 4096);
        var input = new DeploymentInput(memory, H100Nodes, 3072, 512, Batching.Continuous, Arrival.Rate, 2);
        var aggregated = DeploymentEstimator.Estimate(input).Performance;
        var split = DisaggregatedEstimator.Estimate(new DisaggregatedInput(input,
            new PoolConfiguration(new Parallelism(4), 1, H100Nodes), new PoolConfiguration(new Parallelism(4), 1, H100Nodes), KvTransferLink.NvLink, 2));

        Assert.True(split.Fits, string.Join("; ", split.Reasons));
        Assert.True(split.Serving.Tpot < aggregated.Tpot, $"split {split.Serving.Tpot.Milliseconds:0.0} ms vs aggregated {aggregated.Tpot.Milliseconds:0.0} ms");
    }

    [Fact]
    public void DecodePool_WithMtpAtLowLoad_LowersTpotByItsTokensPerStep()
    {
        var plain = Lmsys(5);
        var drafted = Lmsys(5, speculative: new SpeculativeConfiguration(SpeculativeMethod.Mtp, 1, SpeculativeDecoding.DeepSeekMtpAcceptanceRate));

        Assert.NotNull(drafted.Speculative);
        Assert.True(drafted.Serving.Tpot < plain.Serving.Tpot);
        Assert.InRange(drafted.Speculative!.Estimate.Speedup, 1, 1.85); // never more than 1 + a tokens per step
        Assert.True(drafted.Decode.Memory.Weights > plain.Decode.Memory.Weights); // the MTP module's weights
    }
}
