using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Memory;

/// <summary>Per-GPU memory: golden figures from docs/formulas.md and engine start-up logs, and the invariants they must keep.</summary>
public sealed class MemoryEstimatorTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    private static MemoryInput Input(
        string model, string gpu, int tp = 1, int pp = 1, Precision weights = Precision.Bf16, Precision kv = Precision.Bf16,
        int maxModelLength = 2304, int? concurrency = null, double? utilization = null, Engine engine = Engine.Vllm, int blockSize = 16,
        int? maxNumBatchedTokens = null, string? version = null, int? maxNumSeqs = null, int ep = 1) =>
        new(Catalog.FindModel(model)!.Architecture, Catalog.FindGpu(gpu)!, new Parallelism(tp, pp, ep), weights, kv, engine,
            maxModelLength, maxModelLength, concurrency, utilization, maxNumBatchedTokens, maxNumSeqs, BlockSize: blockSize,
            EngineVersion: EngineVersion.Parse(version));

    [Theory]
    [InlineData(1, 327_680)] // docs/formulas.md §2(a): 2·80·8·128·2 B
    [InlineData(4, 81_920)]  // 80 KiB per GPU at TP 4 (2 KV heads each)
    [InlineData(8, 40_960)]  // docs/formulas.md §3: one KV head per GPU
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

        Assert.Equal(70_272, perGpu); // docs/formulas.md §1.2: 61·(512+64)·2 B, not divided by TP (sglang#2591)
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

        Assert.Equal(141.11, weights.GB, 1); // docs/formulas.md §3: N = 70.554 B → 141.11 GB (plus an 8 MB rope cache)
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
    public void Estimate_Llama3_70bBf16OnOneH100_DoesNotFitAndOnlyMoreGpusWould()
    {
        var estimate = MemoryEstimator.Estimate(Input("llama-3-70b", "h100-sxm-80gb"));

        Assert.False(estimate.Fits);
        Assert.Contains(estimate.Reasons, r => r.Contains("leave no KV cache", StringComparison.Ordinal));
        Assert.Contains(estimate.Reasons, r => r.Contains("more tensor or pipeline parallelism", StringComparison.Ordinal));
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
    // llm-d-planner accuracy/results/v0.19.0 logs, H100, gpu_memory_utilization 0.95, max_model_len 8192: "Available KV cache memory".
    [InlineData("llama-3.1-8b", "h100-sxm-80gb", 1, 1, Precision.Bf16, 0.95, 8192, null, "0.19.0", 58.11)]
    [InlineData("llama-3.1-8b", "h100-sxm-80gb", 4, 1, Precision.Bf16, 0.95, 8192, null, "0.19.0", 67.44)]
    [InlineData("qwen2.5-7b", "h100-sxm-80gb", 2, 1, Precision.Bf16, 0.95, 8192, null, "0.19.0", 63.84)]
    [InlineData("llama-3.3-70b", "h100-sxm-80gb", 2, 1, Precision.Fp8, 0.95, 8192, null, "0.19.0", 37.28)]
    [InlineData("gemma-2-27b", "h100-sxm-80gb", 1, 1, Precision.Bf16, 0.95, 8192, null, "0.19.0", 20.59)]
    [InlineData("mixtral-8x7b", "h100-sxm-80gb", 2, 1, Precision.Bf16, 0.95, 8192, null, "0.19.0", 28.44)]
    [InlineData("qwen3-30b-a3b", "h100-sxm-80gb", 1, 1, Precision.Bf16, 0.95, 8192, null, "0.19.0", 15.41)]
    [InlineData("gpt-oss-20b", "h100-sxm-80gb", 2, 1, Precision.Fp4, 0.90, 8192, null, "0.19.0", 59.32)]
    // llm-d-benchmark vLLM 0.11.0 section: Mistral-Small-3.2, utilization 0.95, max_model_len 16000.
    [InlineData("mistral-small-3.2-24b", "h100-sxm-80gb", 1, 1, Precision.Bf16, 0.95, 16000, null, "0.11.0", 28.20)]
    // tim-roethig/ai-platform vLLM 0.10.2 logs on L40S (FP8 checkpoints, expert parallel, max_model_len 32768).
    [InlineData("qwen3-235b-a22b", "l40s", 8, 8, Precision.Fp8, 0.9, 32768, 2048, "0.10.2", 10.65)]
    [InlineData("qwen3-30b-a3b", "l40s", 2, 2, Precision.Fp8, 0.95, 32768, null, "0.10.2", 25.91)]
    // dennislee22/vLLM-benchmarking vLLM 0.10.1.1 log: gpt-oss-120b on 4 A100, utilization 0.8, 2048 batched tokens.
    [InlineData("gpt-oss-120b", "a100-sxm-80gb", 4, 1, Precision.Fp4, 0.8, 16384, 2048, "0.10.1.1", 45.32)]
    public void KvCachePool_MatchesLoggedPoolOfThatRelease_WithinThreePercent(
        string model, string gpu, int tp, int ep, Precision weights, double utilization, int maxModelLength, int? batchedTokens, string version, double loggedGiB)
    {
        var estimate = MemoryEstimator.Estimate(Input(model, gpu, tp: tp, ep: ep, weights: weights, maxModelLength: maxModelLength,
            utilization: utilization, maxNumBatchedTokens: batchedTokens, version: version));

        Assert.Equal(loggedGiB, estimate.KvCachePool.GiB, loggedGiB * 0.03);
    }

    /// <remarks>
    /// llm-d-benchmark's empirical results name no vLLM release ("vllm/vllm-openai:latest"); their full-sort sampler peaks
    /// (4.76 GiB at 1024 × 128,256) and 0.54 GiB TP-2 non-torch memory are pre-0.11 signatures, so they are checked against 0.10.2.
    /// </remarks>
    [Theory]
    [InlineData("llama-3.1-8b", 1, Precision.Bf16, 51.38)]
    [InlineData("qwen3-0.6b", 1, Precision.Bf16, 64.45)]
    [InlineData("qwen3-32b", 2, Precision.Bf16, 34.49)]
    [InlineData("llama-3.3-70b", 2, Precision.Fp8, 32.0)]
    [InlineData("gpt-oss-20b", 1, Precision.Fp4, 50.28)]
    public void KvCachePool_LlmdBenchmarkRows_MatchPre011Rules(string model, int tp, Precision weights, double loggedGiB)
    {
        var estimate = MemoryEstimator.Estimate(Input(model, "h100-sxm-80gb", tp: tp, weights: weights, maxModelLength: 16000, utilization: 0.9, version: "0.10.2"));

        Assert.Equal(loggedGiB, estimate.KvCachePool.GiB, loggedGiB * 0.03);
    }

    [Theory]
    // llm-d-planner v0.19.0 "torch peak memory increase" (max_num_seqs 1024, 8192 batched tokens).
    [InlineData("llama-3.1-8b", "h100-sxm-80gb", 1, 1, Precision.Bf16, "0.19.0", 1.89)]
    [InlineData("qwen2.5-7b", "h100-sxm-80gb", 1, 1, Precision.Bf16, "0.19.0", 2.21)]
    [InlineData("gemma-3-27b", "h100-sxm-80gb", 1, 1, Precision.Bf16, "0.19.0", 3.99)]
    [InlineData("mixtral-8x7b", "h100-sxm-80gb", 2, 1, Precision.Bf16, "0.19.0", 1.21)]  // the MoE workspace held through the sampler
    [InlineData("qwen3-30b-a3b", "h100-sxm-80gb", 1, 1, Precision.Bf16, "0.19.0", 2.68)]
    [InlineData("llama-4-scout", "h100-sxm-80gb", 4, 1, Precision.Bf16, "0.19.0", 3.19)]
    [InlineData("gpt-oss-20b", "h100-sxm-80gb", 2, 1, Precision.Fp4, "0.19.0", 2.87)]   // MXFP4 experts: no modular-kernel workspace
    // tim-roethig vLLM 0.10.2, L40S: "1.4 GiB for peak activation" (256 sequences, 2048 batched tokens: the full-sort warm-up).
    [InlineData("qwen3-235b-a22b", "l40s", 8, 8, Precision.Fp8, "0.10.2", 1.4)]
    // vllm#10511 (0.6.5.dev, V0): "PyTorch activation peak memory 1.26GiB" for Meta-Llama-3-8B at max_model_len 8192.
    [InlineData("llama-3-8b", "h100-sxm-80gb", 1, 1, Precision.Bf16, "0.6.5", 1.26)]
    public void Activations_MatchLoggedPeakOfThatRelease_WithinFivePercent(
        string model, string gpu, int tp, int ep, Precision weights, string version, double loggedGiB)
    {
        var estimate = MemoryEstimator.Estimate(Input(model, gpu, tp: tp, ep: ep, weights: weights, maxModelLength: 8192, version: version));

        Assert.Equal(loggedGiB, estimate.Activations.GiB, loggedGiB * 0.05);
    }

    [Fact]
    public void Activations_ManySequencesAndBatchedTokens_AreFiniteNotAnOverflow()
    {
        var estimate = MemoryEstimator.Estimate(Input("gpt-oss-120b", "h100-sxm-80gb", weights: Precision.Fp4, maxModelLength: 131_072,
            maxNumBatchedTokens: 131_072, maxNumSeqs: 1500));

        Assert.InRange(estimate.Activations.GiB, 1, 50); // 1500 × 201,088 fp32 sampler entries and 131,072-token MoE intermediates
        Assert.False(estimate.Fits);
    }

    [Fact]
    public void KvCacheCapacity_PipelineOfTwo_IsTheLastStagesWhichRunsTheSampler()
    {
        // llm-d-planner 0.19.0 Llama-3.1-8B PP 2: the logged rank (no sampler) has 66.54 GiB, yet "GPU KV cache size: 1,075,312"
        // is 65.6 GiB of 64 KiB tokens: vLLM sizes both stages to the smaller pool, the sampling stage's.
        var estimate = MemoryEstimator.Estimate(Input("llama-3.1-8b", "h100-sxm-80gb", pp: 2, maxModelLength: 8192, utilization: 0.95, version: "0.19.0"));

        Assert.Equal(1_075_312, estimate.KvCacheCapacityTokens, 1_075_312 * 0.01);
        Assert.True(estimate.KvCachePool.GiB < 66.54);
    }

    [Fact]
    public void KvCacheCapacity_SglangPool_SubtractsWhatIsResidentAtStartUp()
    {
        // didier-durand/llms-in-clouds SGLang 0.4.3.post4 log, QwQ-32B on 4 L4: mem_fraction_static 0.85 (the release default at
        // TP 4), "avail mem=21.63 GB" before loading, 15.54 GB of weights, "KV Cache is allocated. #tokens: 46611".
        var estimate = MemoryEstimator.Estimate(Input("qwen2.5-32b", "l4", tp: 4, maxModelLength: 131_072, engine: Engine.Sglang, version: "0.4.3.post4"));

        Assert.Equal(0.85, estimate.GpuMemoryUtilization);
        Assert.Equal(46_611, estimate.KvCacheCapacityTokens, 46_611 * 0.03);
    }

    [Fact]
    public void KvCacheCapacity_IsThePoolInWholeBlocks()
    {
        var estimate = MemoryEstimator.Estimate(Input("mistral-small-3.2-24b", "h100-sxm-80gb", maxModelLength: 16000, utilization: 0.95, blockSize: 128, version: "0.11.0"));

        // 40 layers · 8 KV heads · 128 · 2 · 2 B = 163,840 B per token; vLLM rounds the pool down to 128-token blocks.
        var expected = (long)Math.Floor(estimate.KvCachePool.Value / 163_840.0 / 128) * 128;
        Assert.Equal(expected, estimate.KvCacheCapacityTokens);
        Assert.Equal(estimate.KvCacheCapacityTokens / 16000.0, estimate.MaxConcurrentSequences, 0.01);
    }

    [Fact]
    public void KvCacheCapacity_MistralSmallOnVllm011_WithinOnePercentOfLoggedTokens()
    {
        var estimate = MemoryEstimator.Estimate(Input("mistral-small-3.2-24b", "h100-sxm-80gb", maxModelLength: 16000, utilization: 0.95, blockSize: 128, version: "0.11.0"));

        Assert.Equal(184_832, estimate.KvCacheCapacityTokens, 184_832 * 0.01); // llm-d: "GPU KV cache size: 184,832 tokens"
    }

    /// <remarks>vLLM after 0.19 reports capacity as concurrency × max_model_len, which grows with the context for sliding-window
    /// models (<see cref="KvCacheLayoutTests"/>); the releases here count blocks.</remarks>
    [Theory]
    [InlineData("llama-3.1-8b", 1, Precision.Bf16, Engine.Vllm, "0.19.0")]
    [InlineData("gemma-3-27b", 1, Precision.Bf16, Engine.Vllm, "0.19.0")]
    [InlineData("gpt-oss-20b", 2, Precision.Fp4, Engine.Vllm, "0.10.2")]
    [InlineData("qwen2.5-32b", 4, Precision.Bf16, Engine.Sglang, "0.4.3")]
    public void KvCacheCapacity_LongerMaxModelLength_NeverRaisesCapacityOrConcurrency(string model, int tp, Precision weights, Engine engine, string? version)
    {
        MemoryEstimate? previous = null;
        foreach (var length in new[] { 1024, 4096, 8192, 16_384, 32_768, 100_000 })
        {
            var estimate = MemoryEstimator.Estimate(Input(model, "h100-sxm-80gb", tp: tp, weights: weights, maxModelLength: length, engine: engine, version: version));
            if (previous is not null)
            {
                Assert.True(estimate.KvCacheCapacityTokens <= previous.KvCacheCapacityTokens, $"{length}: capacity rose");
                Assert.True(estimate.MaxConcurrentSequences <= previous.MaxConcurrentSequences, $"{length}: concurrency rose");
            }

            previous = estimate;
        }
    }

    [Fact]
    public void Estimate_NoVersion_FollowsTheLatestReleaseAndSaysSo()
    {
        var latest = MemoryEstimator.Estimate(Input("llama-3.1-8b", "h100-sxm-80gb", maxModelLength: 8192));
        var v019 = MemoryEstimator.Estimate(Input("llama-3.1-8b", "h100-sxm-80gb", maxModelLength: 8192, version: "0.19.0"));

        Assert.Equal("vllm latest", latest.Engine);
        Assert.Equal("vllm 0.19.0", v019.Engine);
        Assert.Equal(v019.KvCachePool, latest.KvCachePool);
    }

    [Fact]
    public void Estimate_GptOss120bOnOneH100WithDefaults_FitsAsVllmsRecipeServesIt()
    {
        // vLLM's gpt-oss recipe and OpenAI's cookbook: "vllm serve openai/gpt-oss-120b" on a single H100 with default settings.
        var estimate = MemoryEstimator.Estimate(Input("gpt-oss-120b", "h100-sxm-80gb", weights: Precision.Fp4, maxModelLength: 8192));

        Assert.True(estimate.Fits, string.Join("; ", estimate.Reasons));
        Assert.True(estimate.AdmittedSequences >= 1);

        // At the model's whole 131,072-token context one request needs more than the pool, as users of one H100 report
        // (vllm#27508: "requiring me to decrease the context or increase even more the memory utilization").
        var wholeContext = MemoryEstimator.Estimate(Input("gpt-oss-120b", "h100-sxm-80gb", weights: Precision.Fp4, maxModelLength: 131_072));
        Assert.False(wholeContext.Fits);
        Assert.Contains(wholeContext.Reasons, r => r.StartsWith("lower maxModelLength to ", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_EmptyPool_SaysWhichSettingWouldFitAndThatSettingDoes()
    {
        // vLLM 0.10.2 on one H100: 64.5 GiB of MXFP4 weights and a 7.4 GiB full-sort sampler warm-up over 1024 sequences leave no
        // KV pool at 0.9 (llm-d's gpt-oss-120b row logs a 7.38 GiB peak).
        var input = Input("gpt-oss-120b", "h100-sxm-80gb", weights: Precision.Fp4, maxModelLength: 16_384, version: "0.10.2");

        var estimate = MemoryEstimator.Estimate(input);

        Assert.False(estimate.Fits);
        var seqs = NumberAfter(Assert.Single(estimate.Reasons, r => r.StartsWith("lower maxNumSeqs to ", StringComparison.Ordinal)), "lower maxNumSeqs to ");
        Assert.InRange(seqs, 1, 1023);
        Assert.True(MemoryEstimator.Estimate(input with { MaxNumSeqs = seqs }).Fits);
        Assert.False(MemoryEstimator.Estimate(input with { MaxNumSeqs = seqs + 1 }).Fits);
        Assert.Contains(estimate.Reasons, r => r.StartsWith("raise gpuMemoryUtilization to ", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_OneSequenceDoesNotFit_NamesTheLongestMaxModelLengthThatDoes()
    {
        // 131,072 tokens of Llama-3.1-8B KV are 16 GiB; at utilization 0.3 the pool holds about 6.6.
        var input = Input("llama-3.1-8b", "h100-sxm-80gb", maxModelLength: 131_072, utilization: 0.3, version: "0.19.0");

        var estimate = MemoryEstimator.Estimate(input);

        Assert.False(estimate.Fits);
        var length = NumberAfter(Assert.Single(estimate.Reasons, r => r.StartsWith("lower maxModelLength to ", StringComparison.Ordinal)), "lower maxModelLength to ");
        Assert.True(MemoryEstimator.Estimate(input with { MaxModelLength = length, SequenceLength = length }).Fits);
        Assert.False(MemoryEstimator.Estimate(input with { MaxModelLength = length + 16, SequenceLength = length + 16 }).Fits);
    }

    private static int NumberAfter(string text, string prefix)
    {
        var digits = text[prefix.Length..].TakeWhile(char.IsAsciiDigit).Count();
        return int.Parse(text.AsSpan(prefix.Length, digits), System.Globalization.CultureInfo.InvariantCulture);
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
    public void Estimate_MoreConcurrentSequencesThanThePoolHolds_FitsAndWarnsThatTheRestQueue()
    {
        // Issue 9: an engine runs what its KV pool holds and queues the rest; a deployment past capacity is not "does not fit".
        var estimate = MemoryEstimator.Estimate(Input("llama-3-70b", "h100-sxm-80gb", tp: 4, concurrency: 5000));

        Assert.True(estimate.Fits);
        Assert.Contains(estimate.Warnings, w => w.Contains("5000 concurrent", StringComparison.Ordinal) && w.Contains("queue", StringComparison.Ordinal));
        Assert.True(estimate.KvCache <= estimate.KvCachePool);
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
        Assert.Equal(free.GiB * 0.9, trtllm.KvCachePool.GiB, 0.01); // KvCacheConfig.free_gpu_memory_fraction (docs/formulas.md §1.3)
        Assert.NotEqual(vllm.KvCachePool, trtllm.KvCachePool);
    }
}
