using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Memory;

/// <summary>
/// vLLM's KV allocator as its start-up logs show it: given the pool a log prints ("Available KV cache memory", rounded to
/// 0.01 GiB), the "GPU KV cache size" and "Maximum concurrency" it prints must lie within what that rounding allows.
/// </summary>
public sealed class KvCacheLayoutTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    private static (KvCacheLayout Layout, EngineMemoryRules Rules) Layout(string model, int tp, int batchedTokens, string? version, int blockSize = 16)
    {
        var rules = EngineMemoryRules.For(Engine.Vllm, EngineVersion.Parse(version));
        return (KvCacheLayout.For(Catalog.FindModel(model)!.Architecture, new Parallelism(tp), Precision.Bf16, blockSize, batchedTokens, rules), rules);
    }

    /// <summary>The plans for the printed pool's rounding interval.</summary>
    private static (KvPoolPlan Low, KvPoolPlan High) Bracket(KvCacheLayout layout, EngineMemoryRules rules, double poolGiB, int maxModelLength) =>
        (KvPoolPlan.Plan(layout, Bytes.FromGiB(poolGiB - 0.005), maxModelLength, maxModelLength, rules),
         KvPoolPlan.Plan(layout, Bytes.FromGiB(poolGiB + 0.005), maxModelLength, maxModelLength, rules));

    [Theory]
    // llm-d-planner v0.19.0 logs (H100, max_model_len 8192, 8192 batched tokens):
    [InlineData("gemma-2-27b", 1, 8192, "0.19.0", 8192, 20.59, 58_672, 7.16)]      // 23 sliding + 23 full layers: 2 groups
    [InlineData("gemma-3-27b", 1, 8192, "0.19.0", 8192, 19.53, 36_560, 4.46)]      // 52 sliding + 10 full: 6 + 1 groups of 10
    [InlineData("gpt-oss-20b", 2, 8192, "0.19.0", 8192, 59.32, 2_591_776, 316.07)] // 12 + 12 layers, 4 KV heads per rank
    [InlineData("llama-4-scout", 4, 8192, "0.19.0", 8192, 16.75, 365_968, 44.68)]  // 36 chunked-local + 12 full: 3 + 1 groups
    [InlineData("llama-3.1-8b", 1, 8192, "0.19.0", 8192, 58.11, 476_016, 58.11)]   // one group of 32 layers
    // dennislee22/vLLM-benchmarking vLLM 0.10.1.1 log (A100 TP 4, max_model_len 16384, 2048 batched tokens):
    [InlineData("gpt-oss-120b", 4, 2048, "0.10.1.1", 16384, 45.32, 2_640_144, 284.25)]
    public void Plan_PrintedPool_ReproducesLoggedCapacityAndConcurrency(
        string model, int tp, int batchedTokens, string version, int maxModelLength, double poolGiB, long loggedTokens, double loggedConcurrency)
    {
        var (layout, rules) = Layout(model, tp, batchedTokens, version);

        var (low, high) = Bracket(layout, rules, poolGiB, maxModelLength);

        Assert.InRange(loggedTokens, low.ReportedTokens, high.ReportedTokens);
        Assert.InRange(loggedConcurrency, Math.Round(low.ConcurrencyAtMaxLength, 2), Math.Round(high.ConcurrencyAtMaxLength, 2));
    }

    [Fact]
    public void For_Gemma3_GroupsSlidingLayersInTensOfTheFullLayerCount()
    {
        var (layout, _) = Layout("gemma-3-27b", 1, 8192, "0.19.0");

        Assert.Equal((1, 6, 10), (layout.FullGroups, layout.WindowGroups, layout.LayerSlots)); // 52 sliding → 6 groups, 8 padded slots
        // A full group needs 8192 / 16 blocks; a sliding one cdiv(min(1023 + 8192, 8192), 16) + 1 (kv_cache_interface.SlidingWindowSpec).
        Assert.Equal(512 + (6 * 513), layout.BlocksPerRequest(8192));
    }

    [Fact]
    public void For_SlidingLayersBeforeTheHybridAllocator_AreStoredForTheWholeContext()
    {
        var (before, _) = Layout("gemma-3-27b", 1, 8192, "0.9.2");
        var (after, _) = Layout("gemma-3-27b", 1, 2048, "0.10.0");

        Assert.Equal((1, 0, 62), (before.FullGroups, before.WindowGroups, before.LayerSlots));
        Assert.True(after.PerRequest(131_072) < before.PerRequest(131_072) / 4); // 10 full layers carry a long context, not 62
    }

    [Fact]
    public void For_ChunkedLocalBefore019_IsStoredAsFullAttention()
    {
        // config/vllm.py turned the hybrid manager off for chunked local attention unless VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE.
        var (layout, _) = Layout("llama-4-scout", 4, 8192, "0.10.2");

        Assert.Equal((1, 0), (layout.FullGroups, layout.WindowGroups));
    }

    [Theory]
    [InlineData("gemma-3-27b", 1, 4.0)]  // sliding groups hold a ~9K-token window, not the 131K context per-group blocks assume
    [InlineData("gpt-oss-20b", 2, 1.8)]  // 12 sliding layers of 128 tokens beside 12 full ones
    [InlineData("llama-3.1-8b", 1, 1.0)] // one full-attention group: both reports agree
    public void Report_LatestRelease_IsConcurrencyTimesMaxModelLength(string model, int tp, double atLeastTimesPerGroupBlocks)
    {
        var (layout, latest) = Layout(model, tp, 8192, null);
        var (_, v019) = Layout(model, tp, 8192, "0.19.0");

        var now = KvPoolPlan.Plan(layout, Bytes.FromGiB(20), 131_072, 131_072, latest);
        var before = KvPoolPlan.Plan(layout, Bytes.FromGiB(20), 131_072, 131_072, v019);

        // kv_cache_utils._report_kv_cache_config: "a naive num_blocks // num_groups * block_size formula underestimates capacity".
        Assert.Equal((long)(now.ConcurrencyAtMaxLength * 131_072), now.ReportedTokens);
        Assert.Equal(before.ConcurrencyAtMaxLength, now.ConcurrencyAtMaxLength);
        Assert.True(now.ReportedTokens >= before.ReportedTokens * atLeastTimesPerGroupBlocks, $"{now.ReportedTokens} vs {before.ReportedTokens}");
    }

    [Theory]
    [InlineData("gemma-3-27b", 1, null)]
    [InlineData("gemma-3-27b", 1, "0.19.0")]
    [InlineData("gpt-oss-20b", 2, "0.10.1.1")]
    [InlineData("llama-3.1-8b", 1, null)]
    [InlineData("llama-4-scout", 4, "0.19.0")]
    public void Plan_LongerMaxModelLength_NeverRaisesConcurrencyNorBlockBasedCapacity(string model, int tp, string? version)
    {
        var (layout, rules) = Layout(model, tp, 8192, version);
        var pool = Bytes.FromGiB(30);
        KvPoolPlan? previous = null;

        foreach (var length in new[] { 512, 2048, 4096, 8192, 9000, 16_384, 65_536, 131_072 })
        {
            var plan = KvPoolPlan.Plan(layout, pool, length, length, rules);
            if (previous is not null)
            {
                Assert.True(plan.ConcurrencyAtMaxLength <= previous.ConcurrencyAtMaxLength, $"{length} tokens raised concurrency");
                Assert.True(rules.Report == CapacityReport.ConcurrencyTimesLength || plan.ReportedTokens <= previous.ReportedTokens, $"{length} tokens raised capacity");
            }

            previous = plan;
        }
    }

    [Fact]
    public void Report_LatestRelease_GrowsWithMaxModelLengthForSlidingWindowModels()
    {
        // int(max concurrency × max_model_len): a sliding group's blocks per request stop growing at its window, so the tokens
        // "the pool can hold at peak utilization" rise with the context; the blocks themselves do not change.
        var (layout, rules) = Layout("gemma-3-27b", 1, 8192, null);

        var short8k = KvPoolPlan.Plan(layout, Bytes.FromGiB(30), 8192, 8192, rules);
        var long128k = KvPoolPlan.Plan(layout, Bytes.FromGiB(30), 131_072, 131_072, rules);

        Assert.Equal(short8k.Blocks, long128k.Blocks);
        Assert.True(long128k.ReportedTokens > 4 * short8k.ReportedTokens);
    }

    [Fact]
    public void LongestRequestThatFits_IsTheLargestLengthWhoseBlocksFitThePool()
    {
        var (layout, _) = Layout("gemma-3-27b", 1, 8192, "0.19.0");
        var pool = layout.PerRequest(20_000);

        var longest = KvPoolPlan.LongestRequestThatFits(layout, pool, 131_072);

        Assert.True(layout.PerRequest(longest) <= pool);
        Assert.True(layout.PerRequest(longest + 1) > pool);
        Assert.Equal(0, KvPoolPlan.LongestRequestThatFits(layout, Bytes.Zero, 131_072));
    }
}
