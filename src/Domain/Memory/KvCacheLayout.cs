using Sizing.Domain.Architecture;
using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Memory;

/// <summary>How an engine groups one GPU's attention layers into KV cache groups that share a block table.</summary>
/// <remarks>
/// vLLM's hybrid allocator (v1/core/kv_cache_utils.py, _get_kv_cache_groups_uniform_page_size at @bbf906a88ba1 and
/// @001cabc1be16): layers of one attention type are split into groups of equal size — the smaller type's layer count, or the
/// larger one's when it is under 1.5× the smaller — padding the last group of a type; one block is one page in each of the
/// group-size layer slots, so num_blocks = available // (page_size × group_size). A full-attention group needs
/// cdiv(max_model_len, block) blocks per request; a sliding-window group cdiv(min(window − 1 + max_num_batched_tokens,
/// max_model_len), block) + 1 (kv_cache_interface.SlidingWindowSpec); a chunked-local group cdiv(min(chunk +
/// max_num_batched_tokens, max_model_len), block) (ChunkedLocalAttentionSpec). Engines without the allocator store every layer
/// for the whole context in one group (SGLang disables its hybrid SWA pool for Gemma and gpt-oss, server_args.py).
/// </remarks>
/// <param name="BlockSize">Tokens per block (SGLang: one-token pages).</param>
/// <param name="PageBytes">Bytes one block of one layer holds on this GPU.</param>
/// <param name="LayerSlots">Layers sharing one block row on this GPU (the group size on this pipeline stage).</param>
/// <param name="FullGroups">Groups of full-attention layers.</param>
/// <param name="WindowGroups">Groups of sliding-window or chunked-local layers that keep only their window.</param>
/// <param name="Window">The window or chunk in tokens (0 without window groups).</param>
/// <param name="ChunkedLocal">Whether the window groups are chunked-local (Llama 4) rather than sliding.</param>
/// <param name="MaxNumBatchedTokens">Tokens one step may add to a window before older ones are freed.</param>
public sealed record KvCacheLayout(
    int BlockSize,
    long PageBytes,
    int LayerSlots,
    int FullGroups,
    int WindowGroups,
    int Window,
    bool ChunkedLocal,
    int MaxNumBatchedTokens)
{
    public int Groups => FullGroups + WindowGroups;

    /// <summary>One block in every layer slot: the unit the pool is divided into.</summary>
    public Bytes BytesPerBlock => new(PageBytes * LayerSlots);

    /// <summary>Blocks one request of <paramref name="tokens"/> tokens holds at most, summed over the groups.</summary>
    public long BlocksPerRequest(int tokens)
    {
        var full = CeilDiv(tokens, BlockSize);
        if (WindowGroups == 0)
        {
            return full * FullGroups;
        }

        var window = ChunkedLocal
            ? CeilDiv(Math.Min((long)Window + MaxNumBatchedTokens, tokens), BlockSize)
            : CeilDiv(Math.Min((long)Window - 1 + MaxNumBatchedTokens, tokens), BlockSize) + 1;
        return (full * FullGroups) + (window * WindowGroups);
    }

    /// <summary>Bytes one request of <paramref name="tokens"/> tokens holds at most on this GPU.</summary>
    public Bytes PerRequest(int tokens) => new(checked(BlocksPerRequest(tokens) * BytesPerBlock.Value));

    /// <summary>The grouping <paramref name="rules"/>' engine uses for <paramref name="model"/> on the most loaded GPU.</summary>
    public static KvCacheLayout For(
        ModelArchitecture model, Parallelism parallelism, Precision kvPrecision, int blockSize, int maxNumBatchedTokens, EngineMemoryRules rules)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parallelism);
        ArgumentNullException.ThrowIfNull(rules);
        var block = rules.Engine == Engine.Sglang ? 1 : blockSize;
        var stageLayers = WeightCalculator.LayersOnLargestStage(model.Layers, parallelism.Pipeline);
        var page = (long)Math.Round(block * model.KvElementsPerTokenPerLayerPerRank(parallelism.Tensor) * kvPrecision.BytesPerElement());
        var local = model.LocalAttention;
        var chunked = model.LocalAttention is not null && IsChunkedLocal(model);
        var windowed = local is not null && (chunked ? rules.ChunkedLocalWindowed : rules.WindowedKv);
        if (!windowed || local is null)
        {
            return new KvCacheLayout(block, page, stageLayers, 1, 0, 0, false, maxNumBatchedTokens);
        }

        var windowLayers = local.Layers;
        var fullLayers = model.Layers - windowLayers;
        if (fullLayers == 0)
        {
            return new KvCacheLayout(block, page, stageLayers, 0, 1, local.Tokens, chunked, maxNumBatchedTokens);
        }

        var groupSize = Math.Min(fullLayers, windowLayers);
        var larger = Math.Max(fullLayers, windowLayers);
        if (larger < groupSize * 1.5)
        {
            groupSize = larger;
        }

        // Groups interleave layers (layers[i::num_groups]) so each pipeline stage holds its share of every group.
        var slots = (int)Math.Ceiling((double)groupSize * stageLayers / model.Layers);
        return new KvCacheLayout(block, page, slots, CeilDiv(fullLayers, groupSize), CeilDiv(windowLayers, groupSize), local.Tokens, chunked, maxNumBatchedTokens);
    }

    /// <summary>Llama 4's chunked local attention (attention_chunk_size) rather than a sliding window.</summary>
    private static bool IsChunkedLocal(ModelArchitecture model) => model.ModelType.StartsWith("llama4", StringComparison.Ordinal);

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;
}

/// <summary>A KV pool divided into blocks, and what the engine reports about it.</summary>
/// <param name="Blocks">num_blocks: whole blocks the pool holds in every layer slot.</param>
/// <param name="ReportedTokens">The engine's "GPU KV cache size: N tokens" (SGLang max_total_num_tokens).</param>
/// <param name="ConcurrencyAtMaxLength">vLLM's "Maximum concurrency for max_model_len tokens per request".</param>
/// <param name="SequencesThatFit">Requests of the workload's length the pool holds at once.</param>
public sealed record KvPoolPlan(long Blocks, long ReportedTokens, double ConcurrencyAtMaxLength, double SequencesThatFit)
{
    /// <summary>Divides <paramref name="pool"/> as the engine of <paramref name="rules"/> does.</summary>
    public static KvPoolPlan Plan(KvCacheLayout layout, Bytes pool, int maxModelLength, int sequenceLength, EngineMemoryRules rules)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(rules);
        var perBlock = layout.BytesPerBlock.Value;
        var blocks = pool.Value > 0 && perBlock > 0 ? pool.Value / perBlock : 0;
        double blockTokens = (double)blocks * layout.BlockSize;
        double Concurrency(int tokens) => rules.ConcurrencyInBlocks
            ? blocks / (double)Math.Max(1, layout.BlocksPerRequest(tokens))
            : blockTokens / Math.Max(1, tokens);
        var atMax = Concurrency(maxModelLength);
        var reported = rules.Report switch
        {
            CapacityReport.BlocksPerGroup => blocks / layout.Groups * layout.BlockSize,
            CapacityReport.ConcurrencyTimesLength => (long)(atMax * maxModelLength),
            _ => blocks * layout.BlockSize,
        };
        return new KvPoolPlan(blocks, reported, atMax, Concurrency(sequenceLength));
    }

    /// <summary>The longest request (at most <paramref name="upTo"/> tokens) whose blocks fit <paramref name="pool"/>; 0 when not even one token does.</summary>
    /// <remarks>The binary search of vLLM's _estimate_max_model_len_from_groups.</remarks>
    public static int LongestRequestThatFits(KvCacheLayout layout, Bytes pool, int upTo)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var blocks = pool.Value > 0 ? pool.Value / layout.BytesPerBlock.Value : 0;
        if (layout.BlocksPerRequest(1) > blocks)
        {
            return 0;
        }

        int low = 1, high = upTo;
        while (low < high)
        {
            var mid = low + ((high - low + 1) / 2);
            if (layout.BlocksPerRequest(mid) <= blocks)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }
}
