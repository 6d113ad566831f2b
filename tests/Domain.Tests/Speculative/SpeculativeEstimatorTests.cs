using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;
using Sizing.Domain.Speculative;

namespace Sizing.Domain.Tests.Speculative;

/// <summary>Speculation costed on the step model: the drafter as a model of its own, the verification step of k + 1 tokens.</summary>
public sealed class SpeculativeEstimatorTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    private static DeploymentInput DeepSeekR1Tp8(int concurrency)
    {
        var gpu = Catalog.FindGpu("h200-sxm-141gb")!;
        var memory = new MemoryInput(Catalog.FindModel("deepseek-r1")!.Architecture, gpu, new Parallelism(8), Precision.Fp8,
            KvCacheDefaults.For(Engine.Sglang, Precision.Fp8), Engine.Sglang, 3072, 3072, concurrency);
        return new DeploymentInput(memory, new Topology(gpu, 8, IntraNodeLink.NvSwitch, InterNodeLink.InfiniBand), 2048, 1024, Batching.Continuous);
    }

    private static DeploymentInput Llama70Tp8(int concurrency)
    {
        var gpu = Catalog.FindGpu("h200-sxm-141gb")!;
        var memory = new MemoryInput(Catalog.FindModel("llama-3.1-70b")!.Architecture, gpu, new Parallelism(8), Precision.Fp8,
            KvCacheDefaults.For(Engine.Sglang, Precision.Fp8), Engine.Sglang, 1024, 1024, concurrency);
        return new DeploymentInput(memory, new Topology(gpu, 8, IntraNodeLink.NvSwitch, InterNodeLink.InfiniBand), 512, 256, Batching.Continuous);
    }

    private static readonly SpeculativeConfiguration Mtp = new(SpeculativeMethod.Mtp, 1, SpeculativeDecoding.DeepSeekMtpAcceptanceRate);

    [Fact]
    public void DraftArchitecture_DeepSeekV3Mtp_IsTheFourteenBillionParameterModule()
    {
        // DeepSeek-V3 model card: "671B of the Main Model weights and 14B of the Multi-Token Prediction (MTP) Module weights";
        // one module is a full MoE block, the 2d→d projection, and its own embedding and output head.
        var mtp = DraftArchitecture.Mtp(Catalog.FindModel("deepseek-v3")!.Architecture);

        Assert.InRange(mtp.TotalParameters / 14e9, 0.9, 1.1);
        Assert.Equal(1, mtp.Layers);
        Assert.Equal(1, mtp.Moe!.MoeLayers);
    }

    [Fact]
    public void DraftArchitecture_Eagle_IsOneDenseLayerWithoutExperts()
    {
        // EAGLE (ICML 2024) §4: an FC layer over the fused features and one decoder layer, sharing the target's head.
        var eagle = DraftArchitecture.Eagle(Catalog.FindModel("deepseek-v3")!.Architecture);

        Assert.Null(eagle.Moe);
        Assert.Equal(0, eagle.Parameters.RoutedExperts);
        Assert.Equal(1, eagle.Layers);
    }

    [Fact]
    public void Estimate_DeepSeekR1MtpAtBatchOne_PaysNearlyItsTokensPerStep()
    {
        // Decode at batch 1 streams weights: verifying 2 tokens costs little more than 1, so MTP approaches 1 + a = 1.85
        // tokens per step (DeepSeek-V3 report §5.4.3: "1.8 times TPS").
        var outcome = SpeculativeEstimator.Estimate(DeepSeekR1Tp8(1), Mtp, 1);
        var s = outcome.Estimate;

        Assert.True(s.Pays);
        Assert.InRange(s.Speedup, 1.3, 1.85);
        Assert.True(s.VerifyStep >= s.BaselineTpot);
        Assert.True(s.VerifyStep.Value < 2 * s.BaselineTpot.Value);
        Assert.True(s.DraftStep.Value < s.BaselineTpot.Value / 10); // one block of 61 plus the head
    }

    [Fact]
    public void Estimate_EagleDraftingThreeTokensAtComputeBoundBatch_StopsPaying()
    {
        // TensorRT-LLM docs: "Speculation is most effective at low batch sizes". A dense 70B model at batch 1,024 with short
        // sequences is bound by its GEMMs' math: the verify step of 4 tokens per sequence costs far more than the
        // 1 + a + a² + a³ = 2.18 tokens it yields at a = 0.6.
        var eagle = new SpeculativeConfiguration(SpeculativeMethod.Eagle, 3, SpeculativeDecoding.ConservativeAcceptanceRate);

        var small = SpeculativeEstimator.Estimate(Llama70Tp8(1), eagle, 1).Estimate;
        var large = SpeculativeEstimator.Estimate(Llama70Tp8(1024), eagle, 1024).Estimate;

        Assert.True(small.Pays);
        Assert.False(large.Pays, large.ToString());
        Assert.True(large.VerifyStep > large.BreakEvenVerifyStep);
    }

    [Fact]
    public void Estimate_LongContextAtLargeBatch_StillPaysBecauseTheStepReadsKvOnce()
    {
        // MagicDec (Chen et al., 2024, arXiv 2408.11049): at large batch and long context the step is bound by loading the KV
        // cache, which the verify step reads once for all k + 1 tokens, so speculation keeps paying where short sequences
        // would not. DeepSeek-R1 at TP 8 replicates its MLA cache on every rank, and its experts see 32 rows each at
        // batch 1,024: neither the KV read nor the expert streaming grows with the 4 tokens verified.
        var eagle = new SpeculativeConfiguration(SpeculativeMethod.Eagle, 3, SpeculativeDecoding.ConservativeAcceptanceRate);

        var large = SpeculativeEstimator.Estimate(DeepSeekR1Tp8(1024), eagle, 1024).Estimate;
        var dense = SpeculativeEstimator.Estimate(Llama70Tp8(1024), eagle, 1024).Estimate;

        Assert.True(large.Pays, large.ToString());
        Assert.True(large.VerifyStep.Value < 2 * large.BaselineTpot.Value);
        Assert.True(large.VerifyStep / large.BaselineTpot < dense.VerifyStep / dense.BaselineTpot);
    }

    [Fact]
    public void DraftWeightsPerGpu_Mtp_IsTheModuleInFp8OverTheTensorGroup()
    {
        var memory = DeepSeekR1Tp8(1).Memory;

        var draft = SpeculativeEstimator.DraftWeightsPerGpu(memory, Mtp);

        // ≈ 14 B parameters, FP8 experts and linears, 16-bit embedding and head, over 8 GPUs: 1.5-2.5 GiB.
        Assert.InRange(draft.GiB, 1.5, 2.5);
        var withDraft = MemoryEstimator.Estimate(memory with { DraftWeights = draft });
        var without = MemoryEstimator.Estimate(memory);
        Assert.Equal((without.Weights + draft).Value, withDraft.Weights.Value);
        Assert.True(withDraft.KvCachePool < without.KvCachePool);
    }

    [Fact]
    public void Problems_MtpOnAModelWithoutModules_SaysSo()
    {
        var llama = Catalog.FindModel("llama-3.1-70b")!.Architecture;

        Assert.Contains(SpeculativeEstimator.Problems(llama, new Parallelism(4), Mtp), p => p.Contains("num_nextn_predict_layers", StringComparison.Ordinal));
        Assert.Empty(SpeculativeEstimator.Problems(Catalog.FindModel("deepseek-r1")!.Architecture, new Parallelism(8), Mtp));
        Assert.Equal(1, Catalog.FindModel("deepseek-r1")!.Architecture.MtpModules);
    }
}
