using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Recommendation;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Recommendation;

public sealed class EngineCommandTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;
    private static readonly CheckpointCatalog Checkpoints = CheckpointCatalog.BuiltIn;

    /// <summary>The most-served catalog models (issue 11's list).</summary>
    public static TheoryData<string, Engine> MostServed()
    {
        var data = new TheoryData<string, Engine>();
        string[] models =
        [
            "llama-3.1-8b", "llama-3.1-70b", "llama-3.3-70b", "llama-3.1-405b", "qwen2.5-7b", "qwen2.5-72b", "qwen3-32b",
            "qwen3-30b-a3b", "qwen3-235b-a22b", "deepseek-v3", "deepseek-r1", "gpt-oss-20b", "gpt-oss-120b", "mixtral-8x7b",
            "mistral-7b", "gemma-3-27b", "llama-4-scout", "llama-4-maverick",
        ];
        foreach (var model in models)
        {
            data.Add(model, Engine.Vllm);
            data.Add(model, Engine.Trtllm);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MostServed))]
    public void Search_MostServedModels_EveryCommandNamesARealCheckpointWithDocumentedFlags(string modelId, Engine engine)
    {
        var (input, result) = Search(modelId, engine, ["a100-sxm-80gb", "h100-sxm-80gb", "b200-180gb", "mi300x"], [Precision.Bf16, Precision.Fp8, Precision.Int4, Precision.Fp4]);

        Assert.NotEmpty(result.Plans);
        foreach (var plan in result.Plans)
        {
            var vendor = plan.Hardware.Gpu.Vendor;
            Assert.NotNull(Figures(plan, engine));
            foreach (var (name, command) in new[] { ("vllm", plan.EngineArgs.Vllm), ("sglang", plan.EngineArgs.Sglang), ("trtllm", plan.EngineArgs.Trtllm) })
            {
                if (command is null)
                {
                    Assert.Contains(plan.EngineArgs.Notes, n => n.Contains("no command", StringComparison.Ordinal));
                    continue;
                }

                var (model, problems, values) = EngineFlags.Check(name, command);
                Assert.True(problems.Count == 0, $"{modelId} {plan.Weights} on {plan.Hardware.Gpu.Id}, {name}: {string.Join("; ", problems)} in `{command}`");
                var checkpoint = input.Checkpoints.FirstOrDefault(c => c.Repository == model);
                var onlineFp8 = values.GetValueOrDefault("--quantization") == "fp8";
                if (checkpoint is not null && !(onlineFp8 && checkpoint.Format.IsSixteenBitOrWider()))
                {
                    // A catalog checkpoint: it must be the plan's precision, for this GPU's vendor, and carry its own format.
                    Assert.True(checkpoint.Serves(input.Model, plan.Weights, vendor), $"{name}: {model} does not serve {plan.Weights} on {vendor}");
                    Assert.False(values.ContainsKey("--quantization"), $"{name}: --quantization on the pre-quantized {model}");
                    Assert.Null(PrecisionSupport.WeightProblem(plan.Hardware.Gpu, Enum.Parse<Engine>(name, true), checkpoint.Format));
                }
                else if (model.StartsWith("./", StringComparison.Ordinal))
                {
                    // A checkpoint the user must make: a note says how.
                    Assert.Contains(plan.EngineArgs.Notes, n => n.Contains("make " + model, StringComparison.Ordinal));
                }
                else
                {
                    // The 16-bit repository: served as is, or quantized to FP8 online by vLLM/SGLang.
                    Assert.True(plan.Weights.IsSixteenBitOrWider() || (plan.Weights == Precision.Fp8 && onlineFp8),
                        $"{name}: {plan.Weights} plan points at the 16-bit {model} without online FP8 quantization");
                    Assert.DoesNotContain(input.Checkpoints, c => c.Repository == model && !c.Format.IsSixteenBitOrWider());
                }

                if (values.TryGetValue("--quantization", out var method))
                {
                    Assert.Equal("fp8", method);
                    Assert.Equal(Precision.Fp8, plan.Weights);
                }
            }
        }
    }

    [Theory]
    [InlineData(Engine.Vllm)]
    [InlineData(Engine.Trtllm)]
    public void Search_VllmCommand_RaisesMaxNumSeqsOnlyWherePlanRunsMoreThanVllmsDefault(Engine engine)
    {
        // vLLM runs 1024 sequences per rank on an H200 by default (arg_utils.py, 0.9.0 on); a plan sized for TensorRT-LLM's
        // max_batch_size of 2048 may count on more.
        var (_, result) = Search("deepseek-v3", engine, ["h200-sxm-141gb"], [Precision.Fp8]);

        var aggregated = result.Plans.Where(p => p.Disaggregation is null && p.EngineArgs.Vllm is not null).ToList();
        Assert.NotEmpty(aggregated);
        Assert.Equal(engine == Engine.Trtllm, aggregated.Any(p => p.Estimate.Performance.Capacity / p.Parallelism.AttentionData > 1024));
        foreach (var plan in aggregated)
        {
            var perRank = (plan.Estimate.Performance.Capacity + plan.Parallelism.AttentionData - 1) / plan.Parallelism.AttentionData;
            var flag = System.Text.RegularExpressions.Regex.Match(plan.EngineArgs.Vllm!, "--max-num-seqs ([0-9]+)");
            if (perRank > 1024)
            {
                Assert.Equal(perRank.ToString(System.Globalization.CultureInfo.InvariantCulture), flag.Groups[1].Value);
            }
            else
            {
                Assert.False(flag.Success, plan.EngineArgs.Vllm);
            }
        }
    }

    [Fact]
    public void Search_DeepSeekR1OnMi300x_NeverRanksFp4AndNamesTheNativeFp8Checkpoint()
    {
        var (_, result) = Search("deepseek-r1", Engine.Vllm, ["mi300x"], [Precision.Fp8, Precision.Fp4], maxGpus: 16);

        // ROCm has no NVFP4 kernels and MI300X no FP4 tensor cores; DeepSeek ships R1 natively in block-scaled FP8.
        Assert.DoesNotContain(result.Plans, p => p.Weights == Precision.Fp4);
        Assert.Contains(result.Rejected, r => r.Weights == Precision.Fp4 && r.Kind == RejectionKind.UnsupportedPrecision
            && r.Reasons[0].Contains("ROCm has no NVFP4 kernels", StringComparison.Ordinal));
        var plan = Assert.Single(result.Plans.Take(1));
        Assert.StartsWith("vllm serve deepseek-ai/DeepSeek-R1 ", plan.EngineArgs.Vllm, StringComparison.Ordinal);
        Assert.DoesNotContain("--quantization", plan.EngineArgs.Vllm, StringComparison.Ordinal);
        Assert.Null(plan.EngineArgs.Trtllm);
    }

    [Fact]
    public void Search_GptOss120b_ServesTheMxfp4CheckpointAsShipped()
    {
        var (_, result) = Search("gpt-oss-120b", Engine.Vllm, ["h100-sxm-80gb"], [Precision.Bf16, Precision.Fp8, Precision.Fp4], maxGpus: 8);

        // vllm-project/recipes GPT-OSS.md: `vllm serve openai/gpt-oss-120b`, the format read from the checkpoint.
        Assert.NotEmpty(result.Plans);
        Assert.All(result.Plans, p => Assert.StartsWith("vllm serve openai/gpt-oss-120b ", p.EngineArgs.Vllm, StringComparison.Ordinal));
        Assert.All(result.Plans, p => Assert.DoesNotContain("--quantization", p.EngineArgs.Vllm + p.EngineArgs.Sglang, StringComparison.Ordinal));
        Assert.DoesNotContain(result.Plans, p => p.Weights == Precision.Fp8);
        Assert.Contains(result.Rejected, r => r.Weights == Precision.Fp8 && r.Kind == RejectionKind.UnsupportedPrecision);
    }

    [Fact]
    public void Search_Llama70bFp8OnH100ForTrtllm_LoadsTheModelOptCheckpointWithAnFp8KvCache()
    {
        var (_, result) = Search("llama-3.1-70b", Engine.Trtllm, ["h100-sxm-80gb"], [Precision.Fp8], maxGpus: 8);

        // TensorRT-LLM runs ModelOpt FP8 checkpoints as published (features/quantization.html); its FP8 plans carry an FP8
        // KV cache (KvCacheDefaults), set through kv_cache_config.dtype in the LLM API options.
        var plan = result.Plans[0];
        Assert.Contains("trtllm-serve nvidia/Llama-3.1-70B-Instruct-FP8 ", plan.EngineArgs.Trtllm, StringComparison.Ordinal);
        Assert.Contains("'kv_cache_config:' '  dtype: fp8'", plan.EngineArgs.Trtllm, StringComparison.Ordinal);
        Assert.Contains("--kv-cache-dtype fp8", plan.EngineArgs.Vllm, StringComparison.Ordinal);
        Assert.Contains("--kv-cache-dtype fp8_e4m3", plan.EngineArgs.Sglang, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_Llama33Fp8WithoutAnFp8Release_QuantizesOnlineInVllmAndSaysHowToMakeOneForTrtllm()
    {
        var (_, result) = Search("llama-3.3-70b", Engine.Vllm, ["h100-sxm-80gb"], [Precision.Fp8], maxGpus: 8);

        var plan = result.Plans[0];
        Assert.StartsWith("vllm serve meta-llama/Llama-3.3-70B-Instruct ", plan.EngineArgs.Vllm, StringComparison.Ordinal);
        Assert.EndsWith("--quantization fp8", plan.EngineArgs.Vllm, StringComparison.Ordinal);
        Assert.Contains("trtllm-serve ./Llama-3.3-70B-Instruct-FP8 ", plan.EngineArgs.Trtllm, StringComparison.Ordinal);
        Assert.Contains(plan.EngineArgs.Notes, n => n.Contains("make ./Llama-3.3-70B-Instruct-FP8 first: quantize meta-llama/Llama-3.3-70B-Instruct with NVIDIA ModelOpt", StringComparison.Ordinal));
    }

    [Fact]
    public void Search_MultiNodeReplica_FillsTheNodesTensorGroupBeforeAddingStages()
    {
        var (_, result) = Search("deepseek-r1", Engine.Vllm, ["h100-sxm-80gb"], [Precision.Bf16], maxGpus: 64, tpotMs: 5);

        // A 61-layer model across 8-GPU nodes: TP 8 × PP n, never TP 2 × PP 32 (same GPUs, 4× the hops, ¼ the TP).
        var layouts = result.Plans.Select(p => p.Parallelism).Concat(result.Rejected.Select(r => r.Parallelism));
        Assert.DoesNotContain(layouts, p => p.Pipeline > 1 && p.GpusPerReplica > 8 && p.Tensor < 8);
    }

    [Theory]
    [InlineData("llama-3.1-70b")]
    [InlineData("qwen3-235b-a22b")]
    [InlineData("deepseek-r1")]
    public void Search_EveryPlansWhy_QuotesItsOwnFigures(string modelId)
    {
        var (input, result) = Search(modelId, Engine.Vllm, ["h100-sxm-80gb", "b200-180gb"], [Precision.Bf16, Precision.Fp8, Precision.Fp4], maxGpus: 32, tpotMs: 60);

        Assert.NotEmpty(result.Plans);
        foreach (var plan in result.Plans)
        {
            var why = string.Join(" | ", plan.Why);
            var c = System.Globalization.CultureInfo.InvariantCulture;
            Assert.Contains(string.Create(c, $"cost: {plan.TotalGpus} × {plan.Hardware.Gpu.Id} at ${plan.Hardware.Gpu.Price.UsdPerHour:0.##}/h = ${plan.CostPerHourUsd:0.##}/h"), why, StringComparison.Ordinal);
            Assert.Contains(string.Create(c, $"memory: {plan.Estimate.Memory.Weights.GiB:0.#} GiB of {EnumText.Of(plan.Weights)} weights per GPU at TP {plan.Parallelism.Tensor}"), why, StringComparison.Ordinal);
            Assert.Contains(string.Create(c, $"TPOT {plan.Estimate.Performance.Tpot.Milliseconds:0.#} ms ≤ 60 ms"), why, StringComparison.Ordinal);
            Assert.Contains(string.Create(c, $"⇒ {plan.ConcurrencyPerReplica} requests in flight per replica"), why, StringComparison.Ordinal);
            Assert.Contains(string.Create(c, $"over {plan.Replicas} replica"), why, StringComparison.Ordinal);
            Assert.Equal(input.RequestsPerSecond, plan.RequestsPerSecondPerReplica * plan.Replicas, 9);
        }
    }

    [Fact]
    public void Search_RankedPlans_FollowTheStatedOrderIncludingTies()
    {
        var (_, result) = Search("llama-3.1-8b", Engine.Vllm, ["h100-sxm-80gb", "l40s", "a100-sxm-80gb"], [Precision.Bf16, Precision.Fp8], maxGpus: 8);

        // min-cost: cost, then TPOT, then total GPUs, then GPUs per replica, stages, TP, EP, the wider format, the GPU id.
        var keys = result.Plans.Select(p => (p.CostPerHourUsd, p.Estimate.Performance.Tpot.Value, p.TotalGpus, p.Parallelism.GpusPerReplica,
            p.Parallelism.Pipeline, p.Parallelism.Tensor, p.Parallelism.Expert, -p.Weights.BytesPerElement(), p.Hardware.Gpu.Id)).ToList();
        Assert.True(keys.Count > 1);
        Assert.Equal(keys.OrderBy(k => k.CostPerHourUsd).ThenBy(k => k.Value).ThenBy(k => k.TotalGpus).ThenBy(k => k.GpusPerReplica)
            .ThenBy(k => k.Pipeline).ThenBy(k => k.Tensor).ThenBy(k => k.Expert).ThenBy(k => k.Item8).ThenBy(k => k.Id, StringComparer.Ordinal), keys);
    }

    private static Plan? Figures(Plan plan, Engine engine) => engine switch
    {
        Engine.Vllm when plan.EngineArgs.Vllm is not null => plan,
        Engine.Trtllm when plan.EngineArgs.Trtllm is not null => plan,
        _ => null,
    };

    private static (RecommendationInput Input, RecommendationResult Result) Search(
        string modelId, Engine engine, string[] gpus, Precision[] precisions, int maxGpus = 16, double? tpotMs = null)
    {
        var model = Catalog.FindModel(modelId)!;
        var input = new RecommendationInput(model.Architecture, model.HfId,
            [.. gpus.Select(id => Catalog.FindGpu(id)!).Select(g => new HardwareOption(g, g.Node.GpusPerNode, g.Node.IntraNode, InterNodeLink.InfiniBand))],
            maxGpus, 2048, 256, 0.5, new ServiceLevel(null, tpotMs is { } t ? Seconds.FromMilliseconds(t) : null), precisions, engine,
            Limit: 50, Checkpoints: Checkpoints.For(modelId));
        return (input, RecommendationSearch.Search(input));
    }
}
