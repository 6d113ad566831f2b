using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;

namespace Sizing.Domain.Tests.Performance;

/// <summary>The step model against the H200 probe's measurements (benchmarks/GpuProbe) and the fixed costs TP cannot shrink.</summary>
public sealed class StepModelTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    /// <summary>One decode step of a static batch of <paramref name="batch"/> sequences at <paramref name="context"/> tokens.</summary>
    private static StepCost DecodeStep(string model, string gpu, int tp, int batch, int context = 1024, Precision weights = Precision.Bf16)
    {
        var spec = Catalog.FindGpu(gpu)!;
        var memory = new MemoryInput(Catalog.FindModel(model)!.Architecture, spec, new Parallelism(tp, 1, 1), weights, Precision.Bf16,
            Engine.Vllm, context, context, batch);
        var topology = new Topology(spec, 8, spec.Node.IntraNode, InterNodeLink.InfiniBand);
        return DeploymentEstimator.Estimate(new DeploymentInput(memory, topology, context, 0, Batching.Static)).Performance.DecodeStep;
    }

    [Fact]
    public void DecodeKernels_Llama3_8bOnH200AtBatchOne_MatchTheProbesLayerChain()
    {
        // h200-2026-11-30-decode-costs.csv, graph-chain l8: a Llama-3 8B layer's four GEMMs at M = 1 take 117.4 µs in a CUDA graph.
        var step = DecodeStep("llama-3.1-8b", "h200-sxm-141gb", 1, 1);
        var perLayerGemms = (step.Kernels.Microseconds - LmHeadAndAttention(step)) / 32;

        Assert.InRange(perLayerGemms, 117.4 * 0.9, 117.4 * 1.15);
    }

    [Fact]
    public void DecodeKernels_TensorParallelEight_KeepsThePerGemmLatencyOfEveryLayer()
    {
        // Bytes shrink 8× under TP 8, the per-GEMM latency does not: 80 layers × (4 GEMMs + attention) × 4.5 µs stay.
        var tp8 = DecodeStep("llama-3-70b", "h200-sxm-141gb", 8, 1);
        var floor = 80 * 5 * Catalog.FindGpu("h200-sxm-141gb")!.Sustained.GemmLatencyUs;

        Assert.True(tp8.Memory.Microseconds > floor);
        Assert.True(tp8.Kernels.Microseconds > floor + (tp8.Memory.Microseconds - floor) * 0.9);
    }

    [Fact]
    public void DecodeStep_MoreTensorParallel_FallsLessThanItsBytes()
    {
        var tp1 = DecodeStep("llama-3.1-8b", "h100-sxm-80gb", 1, 1);
        var tp8 = DecodeStep("llama-3.1-8b", "h100-sxm-80gb", 8, 1);

        Assert.True(tp8.Total < tp1.Total);
        Assert.True(tp8.Total.Value > tp1.Total.Value / 8 * 2, "fixed per-GEMM and per-layer costs keep TP 8 well above 1/8 of TP 1");
    }

    [Fact]
    public void DecodeStep_DeepSeekAtBatchOne_IsMemoryBound()
    {
        // Issue 9: tokens·k/E used to turn batch-1 DeepSeek decode compute-bound. One token touches 8 of 256 experts, each
        // receiving one row padded to a 16-row tile: far below the ridge.
        var step = DecodeStep("deepseek-v3", "h200-sxm-141gb", 8, 1, weights: Precision.Fp8);

        Assert.False(step.ComputeBound);
        Assert.True(step.Compute < step.Memory * 0.2);
    }

    [Fact]
    public void DecodeStep_LargerBatch_NeverFaster()
    {
        var steps = new[] { 1, 4, 16, 64, 256, 1024 }.Select(b => DecodeStep("qwen3-30b-a3b", "h100-sxm-80gb", 1, b).Total).ToList();

        for (var i = 1; i < steps.Count; i++)
        {
            Assert.True(steps[i] >= steps[i - 1]);
        }
    }

    private static double LmHeadAndAttention(StepCost step)
    {
        // The LM head streams 128256 × 4096 × 2 B at 4.1 TB/s plus one GEMM latency; attention is one kernel per layer reading
        // 1024 tokens of KV (128 KiB each across 32 layers) plus its latency.
        var head = (128_256.0 * 4096 * 2 / 4.1e9 * 1e3) + 4.5;
        var attention = (32 * 4.5) + (1024.0 * 131_072 / 4.1e9 * 1e3);
        return head + attention;
    }

    /// <summary>The FLOP time of one 8,192-token prefill step (static batch of one).</summary>
    private static double PrefillCompute(string model, string gpu, Precision weights)
    {
        var spec = Catalog.FindGpu(gpu)!;
        var memory = new MemoryInput(Catalog.FindModel(model)!.Architecture, spec, new Parallelism(1, 1, 1), weights, Precision.Bf16,
            Engine.Vllm, 8193, 8193, 1);
        var topology = new Topology(spec, 8, spec.Node.IntraNode, InterNodeLink.InfiniBand);
        return DeploymentEstimator.Estimate(new DeploymentInput(memory, topology, 8192, 1, Batching.Static)).Performance.Prefill.Compute.Value;
    }

    [Theory]
    // Weight-only formats dequantize to 16-bit before the MMA where the GPU has no tensor cores for them: gpt-oss MXFP4 on
    // Hopper (Marlin / triton matmul_ogs W4A16), INT4 AWQ/GPTQ Marlin, FP8 Marlin on Ampere (W8A16). Their FLOPs run at bf16.
    [InlineData("gpt-oss-20b", "h100-sxm-80gb", Precision.Fp4)]
    [InlineData("gpt-oss-20b", "a100-sxm-80gb", Precision.Fp4)]
    [InlineData("llama-3.1-8b", "h100-sxm-80gb", Precision.Int4)]
    [InlineData("llama-3.1-8b", "a100-sxm-80gb", Precision.Fp8)]
    public void PrefillCompute_WeightOnlyFormatWithoutItsTensorCores_RunsAtBf16(string model, string gpu, Precision weights)
    {
        Assert.Equal(PrefillCompute(model, gpu, Precision.Bf16), PrefillCompute(model, gpu, weights), 6);
    }

    [Theory]
    // Where the tensor cores take the format, the GEMMs run at its throughput (B200 FP4 4,800 vs bf16 1,535; H100 FP8 1,300 vs 700).
    [InlineData("gpt-oss-20b", "b200-180gb", Precision.Fp4)]
    [InlineData("llama-3.1-8b", "h100-sxm-80gb", Precision.Fp8)]
    public void PrefillCompute_FormatWithItsTensorCores_RunsFasterThanBf16(string model, string gpu, Precision weights)
    {
        Assert.True(PrefillCompute(model, gpu, weights) < 0.8 * PrefillCompute(model, gpu, Precision.Bf16));
    }
}
