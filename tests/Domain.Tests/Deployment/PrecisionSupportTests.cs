using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;

namespace Sizing.Domain.Tests.Deployment;

public sealed class PrecisionSupportTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    [Theory]
    // FP4 tensor cores only on Blackwell; NVFP4 off Blackwell only as vLLM's weight-only Marlin (vLLM docs quantization/modelopt.md).
    [InlineData("b200-180gb", Engine.Trtllm, WeightFormat.Nvfp4, true)]
    [InlineData("b200-180gb", Engine.Sglang, WeightFormat.Nvfp4, true)]
    [InlineData("h100-sxm-80gb", Engine.Trtllm, WeightFormat.Nvfp4, false)] // TRT-LLM: "NVFP4 is only supported on Blackwell"
    [InlineData("h100-sxm-80gb", Engine.Vllm, WeightFormat.Nvfp4, true)]
    [InlineData("mi300x", Engine.Vllm, WeightFormat.Nvfp4, false)] // ROCm has no NVFP4 kernels
    [InlineData("mi300x", Engine.Sglang, WeightFormat.Nvfp4, false)]
    // MXFP4 gpt-oss: H100/H200/B200, MI300X..MI355X, A100 via Marlin; not Ada yet (vllm-project/recipes GPT-OSS.md).
    [InlineData("mi300x", Engine.Vllm, WeightFormat.Mxfp4, true)]
    [InlineData("a100-sxm-80gb", Engine.Vllm, WeightFormat.Mxfp4, true)]
    [InlineData("l40s", Engine.Vllm, WeightFormat.Mxfp4, false)]
    [InlineData("a100-sxm-80gb", Engine.Sglang, WeightFormat.Mxfp4, true)] // measured: gpustack performance-lab gpt-oss-20b/a100.md (SGLang 0.5.4.post2)
    [InlineData("l40s", Engine.Sglang, WeightFormat.Mxfp4, false)]
    [InlineData("h100-sxm-80gb", Engine.Trtllm, WeightFormat.Mxfp4, true)]
    // FP8 on Ada/Hopper/Blackwell/MI300; on Ampere only vLLM, weight-only through FP8 Marlin (vLLM docs quantization/fp8).
    [InlineData("a100-sxm-80gb", Engine.Vllm, WeightFormat.Fp8, true)]
    [InlineData("a100-sxm-80gb", Engine.Trtllm, WeightFormat.Fp8, false)]
    [InlineData("l40s", Engine.Trtllm, WeightFormat.Fp8, true)]
    [InlineData("l40s", Engine.Trtllm, WeightFormat.Fp8Block, false)]
    [InlineData("mi300x", Engine.Sglang, WeightFormat.Fp8Block, true)]
    [InlineData("mi300x", Engine.Trtllm, WeightFormat.Bf16, false)] // TensorRT-LLM runs only on NVIDIA GPUs
    // INT4 weight-only (AWQ/GPTQ Marlin, TRT-LLM W4A16) everywhere on NVIDIA; INT8 W8A8 needs INT8 tensor cores.
    [InlineData("a10g", Engine.Trtllm, WeightFormat.Int4, true)]
    [InlineData("h100-sxm-80gb", Engine.Trtllm, WeightFormat.Int8, false)]
    [InlineData("rtx-pro-6000", Engine.Vllm, WeightFormat.Int8, false)]
    public void WeightProblem_FormatEngineGpu_MatchesTheSupportMatrix(string gpu, Engine engine, WeightFormat format, bool runs)
    {
        var problem = PrecisionSupport.WeightProblem(Catalog.FindGpu(gpu)!, engine, format);

        Assert.Equal(runs, problem is null);
    }

    [Theory]
    [InlineData("h100-sxm-80gb", Engine.Vllm, Precision.Fp4, false)]
    [InlineData("b200-180gb", Engine.Vllm, Precision.Fp4, true)] // vLLM nvfp4 KV: SM100 trtllm-gen path
    [InlineData("rtx-5090", Engine.Vllm, Precision.Fp4, false)] // SM120 excluded (vllm-project/vllm#49011)
    [InlineData("rtx-5090", Engine.Sglang, Precision.Fp4, true)] // fp4_e2m1 on Blackwell
    [InlineData("mi300x", Engine.Sglang, Precision.Fp8, true)]
    [InlineData("a100-sxm-80gb", Engine.Trtllm, Precision.Fp8, false)]
    [InlineData("h100-sxm-80gb", Engine.Lmdeploy, Precision.Int8, true)] // quant_policy 8
    [InlineData("h100-sxm-80gb", Engine.Sglang, Precision.Int8, false)]
    public void KvCacheProblem_FormatEngineGpu_MatchesTheSupportMatrix(string gpu, Engine engine, Precision kv, bool runs)
    {
        var problem = PrecisionSupport.KvCacheProblem(Catalog.FindGpu(gpu)!, engine, kv);

        Assert.Equal(runs, problem is null);
    }

    [Theory]
    [InlineData("h100-sxm-80gb", false)]
    [InlineData("mi300x", false)]
    [InlineData("a100-sxm-80gb", false)]
    [InlineData("b200-180gb", true)]
    public void AnyEngineRunsKvCache_Fp4_OnlyOnBlackwell(string gpu, bool runs)
    {
        Assert.Equal(runs, PrecisionSupport.AnyEngineRunsKvCache(Catalog.FindGpu(gpu)!, Precision.Fp4));
    }

    [Fact]
    public void Estimate_Nvfp4OnMi300x_DoesNotFitAndSaysWhy()
    {
        var model = Catalog.FindModel("deepseek-r1")!.Architecture;
        var input = new MemoryInput(model, Catalog.FindGpu("mi300x")!, new Parallelism(8, 1, 8), Precision.Fp4, Precision.Bf16, Engine.Vllm, 4096, 4096);

        var estimate = MemoryEstimator.Estimate(input);

        Assert.False(estimate.Fits);
        Assert.Contains(estimate.Reasons, r => r.StartsWith("unsupported: ROCm has no NVFP4 kernels", StringComparison.Ordinal));
    }

    // TensorRT-LLM's perf-overview labels its H100/H200 gpt-oss columns "(FP8)" while the checkpoint ships MXFP4 experts only.
    [Fact]
    public void Estimate_Fp8GptOss_IsTheShippedMxfp4CheckpointWithFp8ElsewhereAndSaysSo()
    {
        var model = Catalog.FindModel("gpt-oss-120b")!.Architecture;
        MemoryEstimate At(Precision weights) => MemoryEstimator.Estimate(
            new MemoryInput(model, Catalog.FindGpu("h100-sxm-80gb")!, new Parallelism(4), weights, Precision.Bf16, Engine.Trtllm, 2048, 2048));

        var fp8 = At(Precision.Fp8);
        var fp4 = At(Precision.Fp4);

        Assert.True(fp8.Fits, string.Join("; ", fp8.Reasons));
        Assert.Contains(fp8.Warnings, w => w.Contains("experts stay MXFP4", StringComparison.Ordinal));
        Assert.Equal(
            WeightCalculator.RoutedExpertBytes(model, new Parallelism(4), Precision.Fp4, Engine.Trtllm, MemoryAssumptions.Default),
            WeightCalculator.RoutedExpertBytes(model, new Parallelism(4), Precision.Fp8, Engine.Trtllm, MemoryAssumptions.Default));
        Assert.True(fp8.Weights <= fp4.Weights, "fp8 attention and dense linears are no wider than the shipped 16-bit ones");
    }

    [Fact]
    public void ModelProblem_Fp8GptOss_StillRefusesItAsAPlan()
    {
        Assert.NotNull(PrecisionSupport.ModelProblem(Catalog.FindModel("gpt-oss-120b")!.Architecture, Precision.Fp8));
    }
}
