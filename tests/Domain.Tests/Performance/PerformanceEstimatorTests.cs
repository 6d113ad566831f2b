using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Performance;

/// <summary>Latency and throughput: docs/formulas.md §3 worked examples and the invariants any honest model keeps.</summary>
public sealed class PerformanceEstimatorTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    private static DeploymentEstimate Estimate(
        string model = "llama-3-70b", string gpu = "h100-sxm-80gb", int tp = 4, int pp = 1, int ep = 1, int? concurrency = 1,
        int input = 2048, int output = 256, Precision weights = Precision.Bf16, Batching batching = Batching.Static,
        IntraNodeLink? link = null, int gpusPerNode = 8, Engine engine = Engine.Vllm, EstimatorAssumptions? assumptions = null)
    {
        var spec = Catalog.FindGpu(gpu)!;
        var memory = new MemoryInput(Catalog.FindModel(model)!.Architecture, spec, new Parallelism(tp, pp, ep), weights,
            KvCacheDefaults.For(engine, weights), engine, input + output, input + output, concurrency);
        var topology = new Topology(spec, gpusPerNode, link ?? spec.Node.IntraNode, InterNodeLink.InfiniBand);
        return DeploymentEstimator.Estimate(new DeploymentInput(memory, topology, input, output, batching), assumptions);
    }

    [Theory]
    [InlineData(4, 10.6)] // docs/formulas.md §3: (35.28 GB + 0.19 GB) / 3.35 TB/s at 100 % of HBM peak
    [InlineData(8, 5.3)]  // (17.64 + 0.09) GB / 3.35 TB/s
    public void Tpot_Llama3_70bBatchOneOnH100_IsTheWeightStreamOverSustainedBandwidth(int tp, double peakBandwidthBoundMs)
    {
        var estimate = Estimate(tp: tp);

        // Real kernels sustain 60-80 % of peak HBM (docs/formulas.md §3), and the 160 serialized all-reduces add 5-10 µs each
        // isolated plus the 10 µs each pays inside a serving step (Collectives.InEngineAllReduce): ≈ 2.4-3.2 ms.
        var tpot = estimate.Performance.Tpot.Milliseconds;
        Assert.InRange(tpot, peakBandwidthBoundMs / 0.85, (peakBandwidthBoundMs / 0.6) + 3.2 + 1.0);
    }

    [Fact]
    public void DecodeAllReduce_Llama3_70bBatchOne_Is16KiBAndLatencyBound()
    {
        var estimate = Estimate(tp: 8);

        var collectives = estimate.Performance.DecodeStep.Collectives;
        Assert.Equal(16_384, collectives.AllReduceMessage.Value); // docs/formulas.md §2(b): 1 token × 8192 × 2 B
        Assert.Equal(160, collectives.AllReduces);                 // 2 per layer × 80 layers
        // α-dominated: 5-10 µs per isolated op on NVLink (docs/formulas.md §1.6), plus the fixed cost each call pays inside a serving
        // step (Collectives.InEngineAllReduce; vllm#52911 measures 10.5-77 µs in-engine against 3.7-5.9 µs isolated).
        var node = new Topology(Catalog.FindGpu("h100-sxm-80gb")!, 8, IntraNodeLink.NvSwitch, InterNodeLink.InfiniBand);
        var isolated = Collectives.TensorParallelAllReduce(node, 8, collectives.AllReduceMessage, Engine.Vllm).Time;
        Assert.InRange(isolated.Microseconds, 3, 12);
        Assert.InRange(collectives.AllReduceTime.Microseconds, isolated.Microseconds + 5, isolated.Microseconds + 30);
    }

    [Fact]
    public void Ttft_Llama3_70bPrefill2048OnH100Tp8_IsNearTheWorkedExample()
    {
        // The physics at its priors (the probe's GEMM throughput sustained, 2 ms per request): the compute share and the vLLM
        // request overhead the service answers with are fits, judged by the fidelity gate (docs/calibration.md).
        var estimate = Estimate(tp: 8, assumptions: EstimatorAssumptions.Prior);

        // docs/formulas.md §3: ≈ 74 ms of compute at MFU 0.5 plus 20-25 ms of all-reduces → TTFT ≈ 95-100 ms.
        Assert.InRange(estimate.Performance.Ttft.Milliseconds, 70, 140);
    }

    [Fact]
    public void Tpot_MoreTensorParallel_DecodesFasterOnNvSwitch()
    {
        var tpots = new[] { 1, 2, 4, 8 }.Select(tp => Estimate("llama-3-8b", tp: tp).Performance.Tpot).ToList();

        Assert.True(tpots[1] < tpots[0]);
        Assert.True(tpots[2] < tpots[1]);
        Assert.True(tpots[3] < tpots[2]);
    }

    [Fact]
    public void Tpot_TensorParallelOverCrossSocketPcie_StopsHelpingOnceCommunicationDominates()
    {
        var tp4 = Estimate("llama-3-8b", tp: 4, link: IntraNodeLink.PcieCrossSocket, concurrency: 32, batching: Batching.Continuous);
        var tp8 = Estimate("llama-3-8b", tp: 8, link: IntraNodeLink.PcieCrossSocket, concurrency: 32, batching: Batching.Continuous);

        Assert.True(tp8.Performance.Tpot > tp4.Performance.Tpot);
        Assert.True(tp8.Performance.CommunicationShareOfDecode > 0.5);
    }

    [Fact]
    public void CommunicationShare_CrossSocketPcie_ExceedsNvSwitchForTheSameDeployment()
    {
        var nvswitch = Estimate(tp: 8, concurrency: 64, batching: Batching.Continuous);
        var pcie = Estimate(tp: 8, concurrency: 64, batching: Batching.Continuous, link: IntraNodeLink.PcieCrossSocket);

        Assert.True(pcie.Performance.DecodeStep.Communication > nvswitch.Performance.DecodeStep.Communication * 3);
        Assert.Contains(pcie.Warnings, w => w.Contains("cross-socket PCIe", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Batching.Static)]
    [InlineData(Batching.Continuous)]
    public void Tpot_PipelineOfTwoAtBatchOne_NeverLowersTpot(Batching batching)
    {
        var single = Estimate(tp: 4, pp: 1, concurrency: 1, batching: batching);
        var pipelined = Estimate(tp: 4, pp: 2, concurrency: 1, batching: batching);

        // docs/formulas.md §1.8: a token still crosses all 80 layers, plus one stage-to-stage hop.
        Assert.True(pipelined.Performance.Tpot > single.Performance.Tpot);
    }

    /// <remarks>
    /// Under load PP keeps one micro-batch per stage in flight, so a pipelined replica of 2× the GPUs serving 2× the
    /// sequences gives each GPU the same batch per step: per-token latency then never improves, while throughput doubles.
    /// </remarks>
    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(128)]
    public void Tpot_PipelineOfTwoAtTheSameBatchPerStage_NeverLowersTpot(int batchPerStage)
    {
        var single = Estimate(tp: 4, pp: 1, concurrency: batchPerStage, batching: Batching.Continuous);
        var pipelined = Estimate(tp: 4, pp: 2, concurrency: 2 * batchPerStage, batching: Batching.Continuous);

        Assert.True(pipelined.Performance.Tpot >= single.Performance.Tpot);
        Assert.True(pipelined.Performance.OutputTokensPerSecond > single.Performance.OutputTokensPerSecond * 1.5);
    }

    [Fact]
    public void Throughput_MoreConcurrency_MoreTokensPerSecond()
    {
        var throughputs = new[] { 1, 8, 64 }
            .Select(c => Estimate(tp: 8, concurrency: c, batching: Batching.Continuous).Performance.OutputTokensPerSecond).ToList();

        Assert.True(throughputs[1] > throughputs[0]);
        Assert.True(throughputs[2] > throughputs[1]);
    }

    [Fact]
    public void E2e_StaticBatching_IsTtftPlusRemainingTokensAtTpot()
    {
        var p = Estimate(tp: 8, concurrency: 8).Performance;

        Assert.Equal((p.Ttft + (p.Tpot * 255)).Value, p.E2e.Value, 9);
        Assert.Equal(8 * 256 / p.E2e.Value, p.OutputTokensPerSecond, 6);
    }

    [Fact]
    public void MoeCommunication_ExpertParallelInsideTheTensorGroup_IsAnAllReduceWithoutDispatch()
    {
        // Without DP attention every tensor rank holds every token: the experts run locally and one all-reduce per layer sums
        // them, with or without EP (vLLM FusedMoEParallelConfig; MoeCommunication). Under DP attention each rank holds its own
        // tokens, so every MoE layer exchanges them across the MoE group instead.
        var gpu = Catalog.FindGpu("a100-sxm-80gb")!;
        DeploymentEstimate Run(Parallelism parallelism) => DeploymentEstimator.Estimate(new DeploymentInput(
            new MemoryInput(Catalog.FindModel("mixtral-8x7b")!.Architecture, gpu, parallelism, Precision.Bf16, Precision.Bf16, Engine.Sglang, 2048, 2048, 16),
            new Topology(gpu, 8, IntraNodeLink.NvSwitch, InterNodeLink.InfiniBand), 1024, 1024, Batching.Static));

        var tensor = Run(new Parallelism(4, 1, 4)).Performance.DecodeStep.Collectives;
        var dataParallel = Run(Parallelism.Layout(1, 1, 4, 4)).Performance.DecodeStep.Collectives;

        Assert.Equal(64, tensor.AllReduces);               // 2 per layer × 32 layers
        Assert.Equal(0, tensor.AllToAllLayers);
        Assert.Equal(32, dataParallel.AllToAllLayers);     // every Mixtral layer is an MoE layer
        Assert.Equal(0, dataParallel.AllReduces);          // attention TP 1: nothing to all-reduce
        Assert.True(dataParallel.DispatchBytes > Bytes.Zero);
    }

    [Fact]
    public void DecodeBytes_MoeAtBatchOne_ReadsOnlyTheExpertsItsTokenVisits()
    {
        var one = Estimate("mixtral-8x7b", gpu: "a100-sxm-80gb", tp: 2, concurrency: 1);
        var many = Estimate("mixtral-8x7b", gpu: "a100-sxm-80gb", tp: 2, concurrency: 64);

        // Batch 1 touches 2 of 8 experts per layer: about 12.9 B of 46.7 B parameters are read (Mixtral paper: 13B active).
        Assert.True(many.Performance.DecodeStep.Memory.Value > one.Performance.DecodeStep.Memory.Value * 2.5);
    }

    [Fact]
    public void Warnings_PartialExpertParallelOnVllm_SaysVllmUsesTheWholeTensorGroup()
    {
        var partial = Estimate("mixtral-8x7b", tp: 4, ep: 2);
        var whole = Estimate("mixtral-8x7b", tp: 4, ep: 4);

        Assert.Contains(partial.Warnings, w => w.Contains("--enable-expert-parallel", StringComparison.Ordinal));
        Assert.DoesNotContain(whole.Warnings, w => w.Contains("--enable-expert-parallel", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_ExpertDegreeAboveTensorDegree_IsInfeasibleWithReasonNotAnError()
    {
        var estimate = Estimate("mixtral-8x7b", tp: 2, ep: 8);

        Assert.False(estimate.Fits);
        Assert.Contains(estimate.Warnings, w => w.Contains("expert parallel 8 must divide tensor parallel 2", StringComparison.Ordinal));
        Assert.True(double.IsFinite(estimate.Performance.Tpot.Value));
    }

    [Fact]
    public void Tpot_Fp8WeightsOnH100_FasterThanBf16AtBatchOne()
    {
        var bf16 = Estimate(tp: 4);
        var fp8 = Estimate(tp: 4, weights: Precision.Fp8);

        Assert.True(fp8.Performance.Tpot.Value < bf16.Performance.Tpot.Value * 0.7);
    }
}
