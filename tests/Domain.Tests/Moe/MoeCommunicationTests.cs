using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Moe;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Moe;

/// <summary>MoE dispatch and combine as the engines run them, against DeepEP's measured tables (deepseek-ai/DeepEP
/// docs/legacy.md @0297fc80), the engines' own code paths and the published deployments.</summary>
public sealed class MoeCommunicationTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    private static readonly GpuSpec H100 = Catalog.FindGpu("h100-sxm-80gb")!;

    /// <summary>The tables' GPU: an H800 is an H100 whose NVLink runs at 400 GB/s bidirectional (200 per direction).</summary>
    private static readonly GpuSpec H800 = H100 with
    {
        Id = "h800-sxm-80gb",
        Interconnect = H100.Interconnect with { ScaleUpGBpsPerDirection = 200 },
    };

    private static MoeCommunicationEstimate Estimate(
        Parallelism parallelism, double tokensPerRank, MoePhase phase, MoeExchange? exchange = null, GpuSpec? gpu = null,
        string model = "deepseek-v3", Engine engine = Engine.Sglang, bool loadBalancer = true, int? maxNodes = null,
        Precision dispatch = Precision.Fp8, InterNodeLink fabric = InterNodeLink.InfiniBand)
    {
        var spec = gpu ?? H100;
        var topology = new Topology(spec, 8, spec.Node.IntraNode, fabric);
        return MoeCommunication.Estimate(new MoeCommunicationInput(
            Catalog.FindModel(model)!.Architecture, parallelism, topology, engine, tokensPerRank, phase, exchange, dispatch, loadBalancer, maxNodes));
    }

    private static Parallelism DpEp(int ranks) => Parallelism.Layout(1, 1, ranks, ranks);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void LowLatencyTable_BandwidthIsEveryExpertCopyOverTheLatency(int row)
    {
        // DeepEP counts one FP8 copy (with its per-128 scales) per token and expert, and one BF16 copy back: the table's own
        // bandwidth column is 128 × 8 × 7168 × bytes / latency, within its rounding.
        var r = MoeAssumptions.Default.LowLatency[row];
        var copies = 128.0 * 8 * 7168;

        var dispatchGBps = copies * (1 + (4.0 / 128)) / (r.DispatchUs * 1e-6) / 1e9;
        var combineGBps = copies * 2 / (r.CombineUs * 1e-6) / 1e9;

        Assert.Equal(r.DispatchGBps, dispatchGBps, r.DispatchGBps * 0.03);
        Assert.Equal(r.CombineGBps, combineGBps, r.CombineGBps * 0.03);
    }

    [Theory]
    [InlineData(8, 77, 114)]
    [InlineData(16, 118, 195)]
    [InlineData(32, 155, 273)]
    [InlineData(64, 173, 314)]
    [InlineData(128, 192, 369)]
    [InlineData(256, 194, 360)]
    public void DeepEpLowLatency_TheTablesOwnSetting_ReproducesItsLatencies(int ep, double dispatchUs, double combineUs)
    {
        // DeepEP docs/legacy.md low-latency table: H800 + CX7 400 Gb/s, 128 tokens, hidden 7168, top-8, FP8 dispatch.
        var estimate = Estimate(DpEp(ep), 128, MoePhase.Decode, MoeExchange.DeepEp, H800);

        Assert.Equal("deepep low-latency", estimate.Kernel);
        Assert.Equal(dispatchUs, estimate.Dispatch.Microseconds, dispatchUs * 0.01);
        Assert.Equal(combineUs, estimate.Combine.Microseconds, combineUs * 0.01);
    }

    [Theory]
    [InlineData(16, 43)]
    [InlineData(32, 58)]
    [InlineData(64, 51)]
    public void DeepEpNormal_TheTablesOwnSetting_MovesEachTokenOncePerNodeAtTheTablesRdmaRate(int ep, double rdmaGBps)
    {
        // DeepEP docs/legacy.md normal table: 4096 tokens, top-4 groups (test_internode.py: num_topk_groups = min(4, nodes)).
        var estimate = Estimate(DpEp(ep), 4096, MoePhase.Prefill, MoeExchange.DeepEp, H800, maxNodes: 4);
        var nodes = ep / 8;
        var nodesReached = ExpertLoad.NodesReached(256, 8, nodes, 4);
        var rdmaBytes = 4096 * nodesReached * 7168 * (1 + (4.0 / 128));
        var floor = Seconds.FromMicroseconds(4 + 14); // NCCL launch + one InfiniBand step (CommunicationAssumptions)

        Assert.Equal(rdmaGBps, rdmaBytes / (estimate.Dispatch - floor).Value / 1e9, rdmaGBps * 0.01);
        Assert.Equal(rdmaBytes * (nodes - 1) / nodes, estimate.InterNodeBytesPerRank.Value, rdmaBytes * 1e-6);
    }

    [Fact]
    public void DeepEpLowLatency_DeepSeekV3DecodeOnEp72_MatchesThePublishedDispatchTime()
    {
        // lmsys 2025-05-05 (96 H100): "Both DeepSeek and SGLang show dispatch times of ~0.17ms per layer" in decode, 128
        // tokens per device; the decode deployment is EP72 over 9 InfiniBand-connected H100 nodes with EPLB.
        var estimate = Estimate(new Parallelism(1, 1, 72, 72, 72, 32), 128, MoePhase.Decode, MoeExchange.DeepEp);

        Assert.Equal(9, estimate.GroupNodes);
        Assert.InRange(estimate.Dispatch.Milliseconds, 0.17 * 0.8, 0.17 * 1.2);
    }

    [Fact]
    public void DeepEpNormal_OneNode_ScalesTheH800NvLinkRateToTheGpu()
    {
        // V1 reached 153 GB/s on H800's 200 GB/s-per-direction NVLink; an H100 has 450, so the same kernel moves 2.25× faster.
        var h800 = Estimate(DpEp(8), 4096, MoePhase.Prefill, MoeExchange.DeepEp, H800);
        var h100 = Estimate(DpEp(8), 4096, MoePhase.Prefill, MoeExchange.DeepEp, H100);
        var communication = CommunicationAssumptions.Default;
        var floor = Seconds.FromMicroseconds(communication.NcclLaunchLatencyUs + communication.NvSwitch.StepLatencyUs);

        Assert.Equal(2.25, (h800.Dispatch - floor) / (h100.Dispatch - floor), 1e-9);
        Assert.Equal(Bytes.Zero, h100.InterNodeBytesPerRank);
    }

    [Fact]
    public void DeepEpNormal_ScaledToB200_LandsNearV2sMeasuredNvLinkRate()
    {
        // Cross-check against a different kernel: DeepEP V2 README, SM100 EP8 NVLink 726 GB/s dispatch, 740 combine (64 SMs).
        var b200 = Catalog.FindGpu("b200-180gb")!;
        var v1Scaled = MoeAssumptions.Default.NormalIntranode.DispatchGBps * b200.Interconnect.ScaleUpGBpsPerDirection!.Value / 200;

        Assert.InRange(v1Scaled, 726 * 0.9, 726 * 1.1);
    }

    [Fact]
    public void TensorPlusExpertParallel_WithoutDp_IsOneAllReduceAndNoDispatch()
    {
        // vLLM: use_all2all_kernels = use_ep and dp_size > 1 (FusedMoEParallelConfig); with DP 1 the tokens are already on
        // every rank, the local experts run on all of them and the output is all-reduced like tensor-parallel MoE.
        var tp8ep8 = Estimate(new Parallelism(8, 1, 8), 64, MoePhase.Decode, engine: Engine.Vllm);
        var tp8 = Estimate(new Parallelism(8), 64, MoePhase.Decode, engine: Engine.Vllm);

        Assert.Equal(MoeExchange.AllReduce, tp8ep8.Exchange);
        Assert.Equal(Bytes.Zero, tp8ep8.DispatchBytesPerRank);
        Assert.Equal(64L * 7168 * 2, tp8ep8.CombineBytesPerRank.Value);
        Assert.Equal(tp8.PerLayer, tp8ep8.PerLayer);
        Assert.Equal(58, tp8ep8.MoeLayers); // DeepSeek-V3: 61 layers, the first 3 dense
    }

    [Fact]
    public void DeepEpRequested_WithoutDpAttention_FallsBackToTheAllReduce()
    {
        var estimate = Estimate(new Parallelism(8, 1, 8), 64, MoePhase.Decode, MoeExchange.DeepEp);

        Assert.Equal(MoeExchange.AllReduce, estimate.Exchange);
        Assert.Contains(estimate.Notes, n => n.Contains("DeepEP needs DP attention", StringComparison.Ordinal));
    }

    [Fact]
    public void DeepEpRequested_OnPcieGpus_FallsBackToTheEnginesDefault()
    {
        var l40s = Catalog.FindGpu("l40s")!;

        var estimate = Estimate(Parallelism.Layout(1, 1, 8, 8), 64, MoePhase.Decode, MoeExchange.DeepEp, l40s, model: "qwen3-30b-a3b");

        Assert.Equal(MoeExchange.AllGatherReduceScatter, estimate.Exchange);
        Assert.Contains(estimate.Notes, n => n.Contains("DeepEP needs NVLink", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Engine.Vllm, 8, MoeExchange.AllGatherReduceScatter)]   // vllm/config/parallel.py: all2all_backend = "allgather_reducescatter"
    [InlineData(Engine.Sglang, 8, MoeExchange.AllGatherReduceScatter)] // SGLang DP attention without --moe-a2a-backend
    [InlineData(Engine.Trtllm, 8, MoeExchange.AllGatherReduceScatter)] // tech blog 4: "for EP4/EP8 Reduce/Scatter is used"
    [InlineData(Engine.Trtllm, 16, MoeExchange.AllToAll)]              // "while for EP>8 All2All is used"
    public void DefaultExchange_WithDpAttention_IsWhatTheEngineRuns(Engine engine, int ranks, MoeExchange expected)
    {
        Assert.Equal(expected, MoeCommunication.DefaultExchange(DpEp(ranks), engine));
    }

    [Fact]
    public void Shares_DeepEpOverFourNodes_KeepOneRankInThirtyTwoLocal()
    {
        var estimate = Estimate(DpEp(32), 128, MoePhase.Decode, MoeExchange.DeepEp);

        Assert.Equal(1.0 / 32, estimate.LocalShare, 1e-12);
        Assert.Equal(0.75, estimate.InterNodeShare, 1e-12);
        Assert.Equal(8, estimate.RanksReachedPerToken); // low-latency kernels send one copy per expert
    }

    [Fact]
    public void Fp8Dispatch_CarriesJustOverHalfTheBf16Bytes()
    {
        var fp8 = Estimate(DpEp(16), 128, MoePhase.Decode, MoeExchange.DeepEp);
        var bf16 = Estimate(DpEp(16), 128, MoePhase.Decode, MoeExchange.DeepEp, dispatch: Precision.Bf16);

        Assert.Equal((1 + (4.0 / 128)) / 2, fp8.DispatchBytesPerRank / bf16.DispatchBytesPerRank, 1e-6);
        Assert.True(fp8.Dispatch < bf16.Dispatch);
        Assert.Equal(fp8.CombineBytesPerRank, bf16.CombineBytesPerRank); // combine is BF16 either way
    }

    [Fact]
    public void LoadImbalance_WithoutEplb_SlowsTheBusiestRank()
    {
        var balanced = Estimate(DpEp(32), 128, MoePhase.Decode, MoeExchange.DeepEp, loadBalancer: true);
        var skewed = Estimate(DpEp(32), 128, MoePhase.Decode, MoeExchange.DeepEp, loadBalancer: false);

        Assert.True(skewed.LoadImbalance > 1.5 * balanced.LoadImbalance);
        Assert.True(skewed.Dispatch > balanced.Dispatch);
    }

    [Fact]
    public void AllGatherPlusReduceScatter_CostsAboutOneRingAllReduceOfTheGatheredTokens()
    {
        // A ring all-reduce is a reduce-scatter followed by an all-gather (nccl-tests PERFORMANCE.md: 2(n−1)/n = 2 × (n−1)/n).
        var a100 = Catalog.FindGpu("a100-sxm-80gb")!;
        var estimate = Estimate(DpEp(8), 512, MoePhase.Prefill, gpu: a100, engine: Engine.Vllm);
        var gathered = new Bytes(8L * 512 * 7168 * 2);
        var allReduce = Collectives.Estimate(CollectiveOperation.AllReduce, new Topology(a100, 8, IntraNodeLink.NvSwitch, InterNodeLink.InfiniBand), 8, gathered);

        Assert.Equal(MoeExchange.AllGatherReduceScatter, estimate.Exchange);
        Assert.Equal(allReduce.Time.Value, estimate.PerLayer.Value, allReduce.Time.Value * 0.25);
    }

    [Fact]
    public void ShareOf_ReportsTheStepsMoeExchangeShare()
    {
        var estimate = Estimate(DpEp(8), 128, MoePhase.Decode, MoeExchange.DeepEp);
        var step = estimate.PerStep * 4;

        Assert.Equal(0.25, estimate.ShareOf(step), 1e-12);
    }
}
