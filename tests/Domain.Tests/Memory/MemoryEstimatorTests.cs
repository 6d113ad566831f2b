using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Memory;

/// <summary>Per-GPU memory: golden figures from formulas.md and engine start-up logs, and the invariants they must keep.</summary>
public sealed class MemoryEstimatorTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    private static MemoryInput Input(
        string model, string gpu, int tp = 1, int pp = 1, Precision weights = Precision.Bf16, Precision kv = Precision.Bf16,
        int maxModelLength = 2304, int? concurrency = null, double? utilization = null, Engine engine = Engine.Vllm, int blockSize = 16,
        int? maxNumBatchedTokens = null) =>
        new(Catalog.FindModel(model)!.Architecture, Catalog.FindGpu(gpu)!, new Parallelism(tp, pp), weights, kv, engine,
            maxModelLength, maxModelLength, concurrency, utilization, maxNumBatchedTokens, BlockSize: blockSize);

    [Theory]
    [InlineData(1, 327_680)] // formulas.md §2(a): 2·80·8·128·2 B
    [InlineData(4, 81_920)]  // 80 KiB per GPU at TP 4 (2 KV heads each)
    [InlineData(8, 40_960)]  // formulas.md §3: one KV head per GPU
    public void KvBytesPerTokenPerGpu_Llama3_70b_SplitsKvHeads(int tp, double expected)
    {
        var model = Catalog.FindModel("llama-3-70b")!.Architecture;

        var perGpu = KvCacheCalculator.BytesPerTokenPerGpu(model, new Parallelism(tp), Precision.Bf16);

        Assert.Equal(expected, perGpu);
    }

    [Fact]
    public void KvBytesPerTokenPerGpu_TensorBeyondKvHeads_DoesNotShrink()
    {
        var model = Catalog.FindModel("llama-3-70b")!.Architecture; // 8 KV heads

        var atEight = KvCacheCalculator.BytesPerTokenPerGpu(model, new Parallelism(8), Precision.Bf16);
        var atSixteen = KvCacheCalculator.BytesPerTokenPerGpu(model, new Parallelism(16), Precision.Bf16);

        Assert.Equal(atEight, atSixteen); // vLLM: num_kv_heads = max(1, nkv // tp) replicates heads
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void KvBytesPerTokenPerGpu_DeepSeekV3Mla_IsTheWholeLatentOnEveryRank(int tp)
    {
        var model = Catalog.FindModel("deepseek-v3")!.Architecture;

        var perGpu = KvCacheCalculator.BytesPerTokenPerGpu(model, new Parallelism(tp), Precision.Bf16);

        Assert.Equal(70_272, perGpu); // formulas.md §1.2: 61·(512+64)·2 B, not divided by TP (sglang#2591)
    }

    [Fact]
    public void KvBytesPerTokenPerGpu_Fp8Kv_HalvesBf16()
    {
        var model = Catalog.FindModel("llama-3-70b")!.Architecture;

        var bf16 = KvCacheCalculator.BytesPerTokenPerGpu(model, new Parallelism(4), Precision.Bf16);
        var fp8 = KvCacheCalculator.BytesPerTokenPerGpu(model, new Parallelism(4), Precision.Fp8);

        Assert.Equal(bf16 / 2, fp8);
    }

    [Fact]
    public void Weights_Llama3_70bBf16_Are141GB()
    {
        var model = Catalog.FindModel("llama-3-70b")!.Architecture;

        var weights = WeightCalculator.PerGpu(model, Parallelism.None, Precision.Bf16, Engine.Vllm, MemoryAssumptions.Default);

        Assert.Equal(141.11, weights.GB, 1); // formulas.md §3: N = 70.554 B → 141.11 GB (plus an 8 MB rope cache)
    }

    [Fact]
    public void Weights_Llama3_70bBf16AtTp4_Are32Point86GiBPerGpu()
    {
        var estimate = MemoryEstimator.Estimate(Input("llama-3-70b", "h100-sxm-80gb", tp: 4));

        Assert.Equal(32.86, estimate.Weights.GiB, 0.02); // 141.11 GB / 4 = 35.28 GB = 32.86 GiB
    }

    [Theory]
    [InlineData(1_048_576, 100_000)] // the API's maxima for --max-num-batched-tokens and --max-num-seqs
    [InlineData(131_072, 1_500)]     // a published vLLM setting: batched tokens × hidden 16,384 alone is 2^31
    public void Activations_LargestSchedulerLimitsOn405B_AreFiniteAndGrowWithTheBatch(int batchedTokens, int maxSeqs)
    {
        var input = Input("llama-3.1-405b", "b200-180gb", tp: 8, maxNumBatchedTokens: batchedTokens) with { MaxNumSeqs = maxSeqs };

        var estimate = MemoryEstimator.Estimate(input);

        // Forward pass: 3·I/tp + 3·h 16-bit values per batched token (53,248 and 16,384 for the 405B): 0.225 MiB at TP 8.
        var perToken = ((3.0 * 53_248 / 8) + (3.0 * 16_384)) * 2;
        Assert.True(estimate.Activations.Value >= batchedTokens * perToken, $"{estimate.Activations}");
        Assert.True(double.IsFinite(estimate.Activations.GiB));
    }

    [Fact]
    public void Estimate_Llama3_70bBf16OnOneH100_DoesNotFit()
    {
        var estimate = MemoryEstimator.Estimate(Input("llama-3-70b", "h100-sxm-80gb"));

        Assert.False(estimate.Fits);
        Assert.Contains(estimate.Reasons, r => r.Contains("leave no KV cache", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("llama-3.1-8b", "rtx-3090", 1, Precision.Bf16, 14.9888)] // vllm#10517 log: "weights 14.99 GiB"
    [InlineData("llama-3.1-8b", "h100-sxm-80gb", 1, Precision.Bf16, 14.99)] // llm-d-benchmark empirical vLLM memory results
    [InlineData("qwen3-32b", "h100-sxm-80gb", 1, Precision.Bf16, 61.03)]   // llm-d-benchmark
    [InlineData("qwen3-32b", "h100-sxm-80gb", 2, Precision.Bf16, 30.59)]   // llm-d-benchmark
    [InlineData("llama-3.3-70b", "h100-sxm-80gb", 2, Precision.Fp8, 33.88)] // llm-d-benchmark (FP8 checkpoint, 16-bit embeddings)
    [InlineData("gpt-oss-20b", "h100-sxm-80gb", 1, Precision.Fp4, 13.47)]  // llm-d-benchmark (MXFP4 experts)
    [InlineData("gpt-oss-120b", "h100-sxm-80gb", 1, Precision.Fp4, 64.38)] // llm-d-benchmark
    public void Weights_MatchVllmStartupLogs_WithinOnePercent(string model, string gpu, int tp, Precision weights, double loggedGiB)
    {
        var estimate = MemoryEstimator.Estimate(Input(model, gpu, tp: tp, weights: weights, maxModelLength: 16000));

        Assert.Equal(loggedGiB, estimate.Weights.GiB, loggedGiB * 0.01);
    }

    [Theory]
    [InlineData("llama-3.1-8b", 1, Precision.Bf16, 0.9, 51.38)]  // llm-d-benchmark: available KV cache memory, max_model_len 16000
    [InlineData("qwen3-0.6b", 1, Precision.Bf16, 0.9, 64.45)]    // llm-d-benchmark
    [InlineData("qwen3-32b", 2, Precision.Bf16, 0.9, 34.49)]     // llm-d-benchmark
    [InlineData("llama-3.3-70b", 2, Precision.Fp8, 0.9, 32.0)]   // llm-d-benchmark
    [InlineData("gpt-oss-20b", 1, Precision.Fp4, 0.9, 50.28)]    // llm-d-benchmark
    public void KvCachePool_MatchesVllmStartupLogs_WithinFivePercent(string model, int tp, Precision weights, double utilization, double loggedGiB)
    {
        var estimate = MemoryEstimator.Estimate(Input(model, "h100-sxm-80gb", tp: tp, weights: weights, maxModelLength: 16000, utilization: utilization));

        Assert.Equal(loggedGiB, estimate.KvCachePool.GiB, loggedGiB * 0.05);
    }

    [Fact]
    public void KvCacheCapacity_IsThePoolInWholeBlocks()
    {
        var estimate = MemoryEstimator.Estimate(Input("mistral-small-3.2-24b", "h100-sxm-80gb", maxModelLength: 16000, utilization: 0.95, blockSize: 128));

        // 40 layers · 8 KV heads · 128 · 2 · 2 B = 163,840 B per token; vLLM rounds the pool down to 128-token blocks.
        var expected = (long)Math.Floor(estimate.KvCachePool.Value / 163_840.0 / 128) * 128;
        Assert.Equal(expected, estimate.KvCacheCapacityTokens);
        Assert.Equal(estimate.KvCacheCapacityTokens / 16000.0, estimate.MaxConcurrentSequences, 0.01);
    }

    /// <remarks>
    /// Known gap, kept visible: vLLM 0.11.0 logged a 2.12 GiB activation peak for Mistral-Small-3.2 where the sampler
    /// warm-up calibrated on the other llm-d runs predicts ~4.9 GiB, so the pool lands ~10 % low (28.20 GiB, 184,832 tokens).
    /// </remarks>
    [Fact]
    public void KvCacheCapacity_MistralSmallOnVllm011_WithinTenPercentOfLoggedTokens()
    {
        var estimate = MemoryEstimator.Estimate(Input("mistral-small-3.2-24b", "h100-sxm-80gb", maxModelLength: 16000, utilization: 0.95, blockSize: 128));

        Assert.Equal(184_832, estimate.KvCacheCapacityTokens, 184_832 * 0.10); // llm-d: "GPU KV cache size: 184,832 tokens"
    }

    [Fact]
    public void KvCache_MoreContext_NeedsMoreKv()
    {
        var shorter = MemoryEstimator.Estimate(Input("llama-3-70b", "h100-sxm-80gb", tp: 4, maxModelLength: 2048, concurrency: 8));
        var longer = MemoryEstimator.Estimate(Input("llama-3-70b", "h100-sxm-80gb", tp: 4, maxModelLength: 8192, concurrency: 8));

        Assert.True(longer.KvCache > shorter.KvCache);
    }

    [Fact]
    public void Weights_HigherTensorParallel_FewerBytesPerGpu()
    {
        var model = Catalog.FindModel("llama-3-70b")!.Architecture;
        Bytes WeightsAt(int tp) => WeightCalculator.PerGpu(model, new Parallelism(tp), Precision.Bf16, Engine.Vllm, MemoryAssumptions.Default);

        Assert.True(WeightsAt(2) < WeightsAt(1));
        Assert.True(WeightsAt(4) < WeightsAt(2));
        Assert.True(WeightsAt(8) < WeightsAt(4));
    }

    [Fact]
    public void Weights_PipelineOfTwo_RoughlyHalvesEachGpu()
    {
        var model = Catalog.FindModel("llama-3-70b")!.Architecture;

        var one = WeightCalculator.PerGpu(model, new Parallelism(1, 1), Precision.Bf16, Engine.Vllm, MemoryAssumptions.Default);
        var two = WeightCalculator.PerGpu(model, new Parallelism(1, 2), Precision.Bf16, Engine.Vllm, MemoryAssumptions.Default);

        Assert.InRange(two / one, 0.49, 0.52); // 40 layers plus the larger of embedding and LM head
    }

    [Fact]
    public void KvCache_Gemma2SlidingWindow_CapsLocalLayers()
    {
        var model = Catalog.FindModel("gemma-2-27b")!.Architecture; // 23 of 46 layers use a 4096 window
        var parallelism = Parallelism.None;

        var at4k = KvCacheCalculator.PerSequencePerGpu(model, parallelism, Precision.Bf16, 4096, 16);
        var at8k = KvCacheCalculator.PerSequencePerGpu(model, parallelism, Precision.Bf16, 8192, 16);

        Assert.InRange(at8k / at4k, 1.4, 1.6); // only the 23 global layers keep growing
    }

    [Fact]
    public void Estimate_TooManyConcurrentSequences_IsAnAnswerWithReasons()
    {
        var estimate = MemoryEstimator.Estimate(Input("llama-3-70b", "h100-sxm-80gb", tp: 4, concurrency: 5000));

        Assert.False(estimate.Fits);
        Assert.Contains(estimate.Reasons, r => r.Contains("5000 concurrent", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_TensorParallelNotDividingHeads_IsInfeasibleWithReason()
    {
        var estimate = MemoryEstimator.Estimate(Input("llama-3-70b", "h100-sxm-80gb", tp: 6));

        Assert.False(estimate.Fits);
        Assert.Contains(estimate.Reasons, r => r.Contains("64 attention heads are not divisible by tensor parallel 6", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_TrtllmBudget_IsAFractionOfFreeMemoryAfterWeights()
    {
        var vllm = MemoryEstimator.Estimate(Input("llama-3-70b", "h100-sxm-80gb", tp: 4, utilization: 0.9));
        var trtllm = MemoryEstimator.Estimate(Input("llama-3-70b", "h100-sxm-80gb", tp: 4, utilization: 0.9, engine: Engine.Trtllm));

        var free = trtllm.Capacity - trtllm.Weights - trtllm.Activations - trtllm.RuntimeOverhead;
        Assert.Equal(free.GiB * 0.9, trtllm.KvCachePool.GiB, 0.01); // KvCacheConfig.free_gpu_memory_fraction (formulas.md §1.3)
        Assert.NotEqual(vllm.KvCachePool, trtllm.KvCachePool);
    }
}
