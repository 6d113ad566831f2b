using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;

namespace Sizing.Domain.Tests;

/// <summary>Layouts as the engines configure them: attention TP × DP, MoE layers EP over the whole group
/// (docs/moe-parallelism.md), and the engines' own start-up checks.</summary>
public sealed class ParallelismLayoutTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    private static Architecture.ModelArchitecture Model(string id) => Catalog.FindModel(id)!.Architecture;

    [Fact]
    public void Layout_Tensor1Data8Expert8_IsOneEightGpuEngineWithDpAttention()
    {
        // SGLang --tp 8 --dp 8 --enable-dp-attention --ep-size 8; TensorRT-LLM "DEP8" (tp 8, ep 8, enable_attention_dp).
        var layout = Parallelism.Layout(tensor: 1, pipeline: 1, expert: 8, data: 8);

        Assert.Equal(8, layout.AttentionData);
        Assert.Equal(8, layout.GpusPerReplica);
        Assert.Equal(8, layout.TotalGpus);
        Assert.Equal(1, layout.Replicas);
        Assert.Equal(8, layout.MoeGroup);
        Assert.Equal(1, layout.ExpertTensor);
    }

    [Fact]
    public void Layout_Tensor8Data4Expert32_IsOneEngineOverFourNodes()
    {
        // SGLang --tp 32 --dp 4 --enable-dp-attention --ep-size 32 --nnodes 4; vLLM -tp 8 -dp 4 --enable-expert-parallel.
        var layout = Parallelism.Layout(tensor: 8, pipeline: 1, expert: 32, data: 4);
        var topology = new Topology(Catalog.FindGpu("h100-sxm-80gb")!, 8, IntraNodeLink.NvSwitch, InterNodeLink.InfiniBand);

        Assert.Equal(4, layout.AttentionData);
        Assert.Equal(32, layout.GpusPerReplica);
        Assert.Equal(1, layout.Replicas);
        Assert.Equal(4, topology.NodesFor(layout.MoeGroup));
        Assert.Equal(1, layout.ExpertTensor);
    }

    [Fact]
    public void Layout_ExpertInsideTensor_KeepsDataAsIndependentReplicas()
    {
        // Today's callers: {tensor 8, expert 8, data 2} is two TP8+EP8 replicas (api-contract.md: data = independent replicas).
        var layout = Parallelism.Layout(tensor: 8, pipeline: 1, expert: 8, data: 2);

        Assert.Equal(1, layout.AttentionData);
        Assert.Equal(2, layout.Replicas);
        Assert.Equal(8, layout.GpusPerReplica);
        Assert.Equal(layout, new Parallelism(8, 1, 8, 2));
    }

    [Fact]
    public void SequencesPerAttentionRank_Dp8_SplitsTheEngineConcurrency()
    {
        var layout = Parallelism.Layout(1, 1, 8, 8);

        Assert.Equal(128, layout.SequencesPerAttentionRank(1024));
        Assert.Equal(2, layout.SequencesPerAttentionRank(9)); // the busiest rank holds the remainder
    }

    [Theory]
    [InlineData("deepseek-r1", 1, 8, 8, 0, Engine.Trtllm)]   // TensorRT-LLM DEP8: tp 8, ep 8, enable_attention_dp
    [InlineData("deepseek-r1", 1, 8, 8, 0, Engine.Vllm)]     // vLLM -dp 8 --enable-expert-parallel
    [InlineData("deepseek-r1", 1, 8, 8, 0, Engine.Sglang)]   // SGLang --tp 8 --dp 8 --enable-dp-attention --ep-size 8
    [InlineData("deepseek-r1", 8, 4, 32, 0, Engine.Sglang)]  // SGLang --tp 32 --dp 4 --enable-dp-attention --ep-size 32
    [InlineData("deepseek-r1", 8, 4, 32, 0, Engine.Vllm)]    // vLLM -tp 8 -dp 4 --enable-expert-parallel
    [InlineData("deepseek-v3", 1, 72, 72, 32, Engine.Sglang)] // lmsys 2025-05-05 decode: EP72 with 256 + 32 redundant experts
    [InlineData("deepseek-r1", 1, 36, 36, 32, Engine.Trtllm)] // TensorRT-LLM tech blog 4: --tp 36 --ep 36, 288 slots
    [InlineData("deepseek-r1", 1, 8, 1, 0, Engine.Vllm)]     // vLLM -dp 8 without EP: experts TP-sharded over all 8
    [InlineData("deepseek-r1", 1, 16, 8, 0, Engine.Sglang)]  // SGLang --tp 16 --dp 16 --ep-size 8: expert TP 2 inside EP
    [InlineData("deepseek-r1", 1, 24, 24, 0, Engine.Vllm)]   // vLLM spreads 256 experts unevenly over 24 ranks
    [InlineData("qwen3-235b-a22b", 1, 8, 8, 0, Engine.Sglang)]
    public void Check_LayoutsTheEnginesRun_AreAccepted(string model, int tensor, int attentionData, int expert, int redundant, Engine engine)
    {
        var layout = new Parallelism(tensor, 1, expert, attentionData, attentionData, redundant);

        var reasons = ParallelismRules.Check(Model(model), layout, engine);

        Assert.Empty(reasons);
    }

    [Fact]
    public void Check_TrtllmAttentionDpWithAttentionTp8_IsRefusedWithTheEnginesRule()
    {
        var layout = Parallelism.Layout(8, 1, 32, 4);

        var reasons = ParallelismRules.Check(Model("deepseek-r1"), layout, Engine.Trtllm);

        Assert.Contains(reasons, r => r.Contains("enable_attention_dp runs attention with TP 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_VllmExpertNarrowerThanDpGroup_IsRefusedButSglangRunsIt()
    {
        var layout = new Parallelism(1, 1, 4, 8, 8);

        var vllm = ParallelismRules.Check(Model("deepseek-r1"), layout, Engine.Vllm);
        var sglang = ParallelismRules.Check(Model("deepseek-r1"), layout, Engine.Sglang);

        Assert.Contains(vllm, r => r.Contains("EP = DP × TP = 8", StringComparison.Ordinal));
        Assert.Empty(sglang); // moe_tp_size = tp_size // ep_size = 2
    }

    [Theory]
    [InlineData(0, true)]   // 256 experts over 72 ranks: SGLang needs the slots to divide evenly
    [InlineData(32, false)] // 288 slots: 4 per rank (lmsys 2025-05-05: "parallelism sizes of 12 or 72")
    public void Check_Ep72_NeedsRedundantExpertsToDivide(int redundant, bool refused)
    {
        var layout = new Parallelism(1, 1, 72, 72, 72, redundant);

        var reasons = ParallelismRules.Check(Model("deepseek-v3"), layout, Engine.Sglang);

        Assert.Equal(refused, reasons.Any(r => r.Contains("not divisible by expert parallel 72", StringComparison.Ordinal)));
    }

    [Fact]
    public void Check_ExpertWiderThanItsGroup_IsRefused()
    {
        var layout = new Parallelism(2, 1, 3, 2, 2);

        var reasons = ParallelismRules.Check(Model("deepseek-r1"), layout, Engine.Sglang);

        Assert.Contains(reasons, r => r.Contains("must divide the MoE group of tensor 2 × DP attention 2 = 4 GPUs", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_DpAttentionOnADenseModel_IsRefused()
    {
        var layout = new Parallelism(1, 1, 1, 8, 8);

        var reasons = ParallelismRules.Check(Model("llama-3-70b"), layout, Engine.Sglang);

        Assert.Contains(reasons, r => r.Contains("dense model's data ranks are independent replicas", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_DataNotAWholeNumberOfEngines_IsRefused()
    {
        var layout = new Parallelism(1, 1, 8, 12, 8);

        var reasons = ParallelismRules.Check(Model("deepseek-r1"), layout, Engine.Sglang);

        Assert.Contains(reasons, r => r.Contains("data 12 is not a whole number of engines", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_RedundantExpertsWithoutEp_IsRefused()
    {
        var layout = new Parallelism(8, RedundantExperts: 32);

        var reasons = ParallelismRules.Check(Model("deepseek-r1"), layout, Engine.Sglang);

        Assert.Contains("invalid EP: redundant experts (EPLB) need expert parallelism", reasons);
    }
}
