using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Memory;

/// <summary>Each engine release's defaults, as its source and its start-up logs state them.</summary>
public sealed class EngineMemoryRulesTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    private static EngineMemoryRules Vllm(string? version) => EngineMemoryRules.For(Engine.Vllm, EngineVersion.Parse(version));

    [Fact]
    public void Scheduler_VllmV0ShortContext_ProfilesTheWholeContextIn256Sequences()
    {
        var defaults = Vllm("0.6.4").Scheduler(Catalog.FindGpu("rtx-3090")!, 20_000, chunkedPrefill: null);

        // vllm config.py SchedulerConfig: no chunked prefill below 32K, max(max_model_len, 2048); vllm#10517 profiles 20,000 tokens.
        Assert.Equal(new SchedulerDefaults(20_000, 256, false), defaults);
    }

    [Fact]
    public void Scheduler_VllmV0LongContext_ChunksAt2048()
    {
        var defaults = Vllm("v0").Scheduler(Catalog.FindGpu("h100-sxm-80gb")!, 65_536, chunkedPrefill: null);

        Assert.Equal(new SchedulerDefaults(2048, 256, true), defaults); // V0 enables chunked prefill above 32K context
    }

    [Theory]
    [InlineData("0.8.5", "h100-sxm-80gb", 2048, 256)]   // V1 before vllm#17885: the API server's 2048 / 256 on every GPU
    [InlineData("0.19.0", "h100-sxm-80gb", 8192, 1024)] // llm-d-planner 0.19.0 log: "Defaulting max_num_batched_tokens to 8192 ... max_num_seqs to 1024"
    [InlineData("0.10.1.1", "a100-sxm-80gb", 2048, 256)] // dennislee22 0.10.1.1 A100 log: "max_num_batched_tokens=2048" (A100 excluded, vllm#17885)
    [InlineData("0.10.2", "l40s", 2048, 256)]           // tim-roethig 0.10.2 L40S log: max_num_batched_tokens=2048 (under 70 GiB)
    public void Scheduler_VllmV1_FollowsReleaseAndGpu(string version, string gpu, int tokens, int seqs)
    {
        var defaults = Vllm(version).Scheduler(Catalog.FindGpu(gpu)!, 8192, chunkedPrefill: null);

        Assert.Equal(new SchedulerDefaults(tokens, seqs, true), defaults);
    }

    [Theory]
    [InlineData("0.6.4", SamplerWarmup.FullSort)]  // V0 samples top-k = vocab − 1 in its profile run
    [InlineData("0.10.2", SamplerWarmup.FullSort)] // 0.10.2 L40S log: 1.4 GiB peak at 256 × 151,936 (≈ 38 B per entry)
    [InlineData("0.11.0", SamplerWarmup.Light)]    // llm-d 0.11.0 Mistral-Small: 2.12 GiB at 1024 × 131,072 (≈ 16 B)
    [InlineData(null, SamplerWarmup.Light)]
    public void Sampler_FollowsRelease(string? version, SamplerWarmup expected)
    {
        Assert.Equal(expected, Vllm(version).Sampler);
    }

    [Fact]
    public void Sampler_Trtllm_IsNotInTheBudget()
    {
        Assert.Equal(SamplerWarmup.None, EngineMemoryRules.For(Engine.Trtllm, null).Sampler);
    }

    [Theory]
    [InlineData("0.9.2", CapacityReport.Blocks)]
    [InlineData("0.10.1.1", CapacityReport.BlocksPerGroup)]
    [InlineData("0.19.0", CapacityReport.BlocksPerGroup)]      // planner 0.19.0 Gemma-3: 36,560 = num_blocks // 7 groups × 16
    [InlineData(null, CapacityReport.ConcurrencyTimesLength)]  // kv_cache_utils._report_kv_cache_config after 0.19
    public void Report_FollowsRelease(string? version, CapacityReport expected)
    {
        Assert.Equal(expected, Vllm(version).Report);
    }

    [Theory]
    [InlineData("0.4.3.post4", "l4", 4, 0.85)]   // didier-durand SGLang 0.4.3.post4 log prints mem_fraction_static=0.85 at TP 4
    [InlineData("0.4.3", "h100-sxm-80gb", 1, 0.88)]
    [InlineData("0.4.9", "h100-sxm-80gb", 1, 0.874)] // (79.19 − 10) / 79.19 GiB: reserved 9.5 + TP/2 GiB
    [InlineData("0.5.4", "h100-sxm-80gb", 1, 0.834)] // reserved 512 + 8192·1.5 + 256·2 + 128 = 13,440 MiB
    [InlineData("0.5.4", "h100-sxm-80gb", 8, 0.817)] // reserved 512 + 12,288 + 512·2 + 1024 = 14,848 MiB
    public void SglangMemFractionStatic_FollowsReleaseGpuAndTp(string version, string gpu, int tp, double expected)
    {
        var rules = EngineMemoryRules.For(Engine.Sglang, EngineVersion.Parse(version));

        Assert.Equal(expected, rules.SglangMemFractionStatic(Catalog.FindGpu(gpu)!, new Parallelism(tp)), 3);
    }

    // Which buffers each layout holds; their sizes are fitted (memory.vllm) and judged against the logs by the fidelity gate:
    // tim-roethig 0.10.2 L40S TP 8 logs 0.21 GiB (PCIe: no custom all-reduce), llm-d (pre-0.11) TP 2 0.54-0.55 GiB, llm-d-planner
    // 0.19.0 TP 1 0.24-0.27 GiB and TP 2/4 2.06-2.21 GiB (symmetric-memory all-reduce).
    [Theory]
    [InlineData("0.10.2", "l40s", 8, false, false, false)]
    [InlineData("0.10.2", "h100-sxm-80gb", 2, false, true, false)]
    [InlineData("0.19.0", "h100-sxm-80gb", 1, true, false, false)]
    [InlineData("0.19.0", "h100-sxm-80gb", 4, true, true, true)]
    public void NonTorch_FollowsCommunicatorsAndRelease(string version, string gpu, int tp, bool recentBase, bool customAllReduce, bool symmetricMemory)
    {
        var a = MemoryAssumptions.Default;
        var expected = (recentBase ? a.NonTorchBaseRecent : a.NonTorchBase)
            + (tp > 1 ? a.NcclCommunicator : Bytes.Zero)
            + (customAllReduce ? a.CustomAllReduceBuffers : Bytes.Zero)
            + (symmetricMemory ? a.SymmetricMemoryAllReduceBuffers : Bytes.Zero);

        var nonTorch = Vllm(version).NonTorch(Catalog.FindGpu(gpu)!, new Parallelism(tp), a);

        Assert.Equal(expected.GiB, nonTorch.GiB, 9);
    }
}
