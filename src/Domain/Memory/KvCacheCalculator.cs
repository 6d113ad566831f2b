using Sizing.Domain.Architecture;
using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Memory;

/// <summary>KV-cache bytes on one GPU, per token and per sequence.</summary>
/// <remarks>
/// Per layer and token a rank stores 2·max(1, nkv/tp)·d elements (vLLM llama.py; docs/formulas.md §1.2), or the whole MLA latent
/// (kv_lora_rank + qk_rope_head_dim) on every TP rank (sglang#2591). PP gives a rank ceil(L/pp) layers. Sliding-window and
/// chunked-local layers hold at most their window (plus the block being filled). Engines allocate whole blocks.
/// </remarks>
public static class KvCacheCalculator
{
    /// <summary>KV bytes one token adds on the most loaded GPU, counting every layer (no window cap).</summary>
    public static double BytesPerTokenPerGpu(ModelArchitecture model, Parallelism parallelism, Precision kvPrecision)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parallelism);
        var layers = WeightCalculator.LayersOnLargestStage(model.Layers, parallelism.Pipeline);
        return layers * model.KvElementsPerTokenPerLayerPerRank(parallelism.Tensor) * kvPrecision.BytesPerElement();
    }

    /// <summary>KV bytes one sequence of <paramref name="tokens"/> occupies on the most loaded GPU, in whole blocks.</summary>
    public static Bytes PerSequencePerGpu(ModelArchitecture model, Parallelism parallelism, Precision kvPrecision, int tokens, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parallelism);
        var stageLayers = WeightCalculator.LayersOnLargestStage(model.Layers, parallelism.Pipeline);
        var perLayerToken = model.KvElementsPerTokenPerLayerPerRank(parallelism.Tensor) * kvPrecision.BytesPerElement();
        var localLayers = model.LocalAttention is { } local
            ? (int)Math.Round((double)local.Layers * stageLayers / model.Layers)
            : 0;
        var fullLayers = stageLayers - localLayers;
        var full = RoundUp(tokens, blockSize);
        var windowed = model.LocalAttention is { } window ? Math.Min(full, RoundUp(window.Tokens, blockSize) + blockSize) : 0;
        return new Bytes(checked((long)Math.Round(perLayerToken * (((double)fullLayers * full) + ((double)localLayers * windowed)))));
    }

    private static long RoundUp(long tokens, int blockSize) => (tokens + blockSize - 1) / blockSize * blockSize;
}
