using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Architecture;

/// <summary>How attention keys and values are stored.</summary>
public enum AttentionKind
{
    /// <summary>Multi-head: one KV head per query head.</summary>
    Mha,

    /// <summary>Grouped-query: fewer KV heads than query heads.</summary>
    Gqa,

    /// <summary>Multi-query: one KV head.</summary>
    Mqa,

    /// <summary>Multi-head latent attention (DeepSeek-V2/V3): one compressed latent per token, shared by all heads.</summary>
    Mla,
}

/// <summary>The dimensions of DeepSeek's multi-head latent attention.</summary>
public sealed record MlaDimensions(int QLoraRank, int KvLoraRank, int QkNopeHeadDim, int QkRopeHeadDim, int VHeadDim);

/// <summary>Mixture-of-experts layout.</summary>
/// <param name="Experts">Routed experts per MoE layer.</param>
/// <param name="ExpertsPerToken">Routed experts each token visits (top-k).</param>
/// <param name="SharedExperts">Always-on experts per MoE layer.</param>
/// <param name="ExpertIntermediateSize">FFN width of one routed expert.</param>
/// <param name="MoeLayers">How many of the layers are MoE layers (the rest are dense).</param>
/// <param name="ParametersPerExpert">Weights of one routed expert in one layer.</param>
public sealed record MoeArchitecture(
    int Experts,
    int ExpertsPerToken,
    int SharedExperts,
    int ExpertIntermediateSize,
    int MoeLayers,
    long ParametersPerExpert);

/// <summary>Layers whose attention only looks back a bounded window (sliding window or chunked local attention).</summary>
/// <param name="Tokens">The window (or chunk) length in tokens.</param>
/// <param name="Layers">How many layers use it; the others attend to the whole context.</param>
public sealed record LocalAttention(int Tokens, int Layers);

/// <summary>Weights grouped by how tensor, pipeline and expert parallelism split them.</summary>
/// <param name="Embedding">Input token embedding (plus learned positions); vocab-parallel under TP.</param>
/// <param name="LmHead">Output projection; 0 when tied to the embedding.</param>
/// <param name="AttentionSharded">Query and output projections (and MLA up-projections): split across TP ranks.</param>
/// <param name="AttentionKv">Key and value projections: split across TP ranks until TP exceeds the KV heads, then replicated.</param>
/// <param name="DenseMlp">Feed-forward weights of dense layers (and MoE shared experts): split across TP ranks.</param>
/// <param name="RoutedExperts">All routed experts of all MoE layers.</param>
/// <param name="Replicated">Norms, routers, biases and MLA down-projections: a full copy on every rank.</param>
/// <param name="Vision">Vision encoder and projector of multimodal models; not part of the language-model counts.</param>
public sealed record ParameterBreakdown(
    long Embedding,
    long LmHead,
    long AttentionSharded,
    long AttentionKv,
    long DenseMlp,
    long RoutedExperts,
    long Replicated,
    long Vision)
{
    /// <summary>Language-model parameters: what model cards and <c>totalParameters</c> count.</summary>
    public long LanguageModel => checked(Embedding + LmHead + AttentionSharded + AttentionKv + DenseMlp + RoutedExperts + Replicated);

    /// <summary>Parameters inside the transformer blocks (what pipeline stages split).</summary>
    public long Blocks => checked(AttentionSharded + AttentionKv + DenseMlp + RoutedExperts + Replicated);
}

/// <summary>A decoder-only language model as the sizing formulas see it, derived from its Hugging Face config.</summary>
public sealed record ModelArchitecture
{
    public required string ModelType { get; init; }

    public required int HiddenSize { get; init; }

    public required int Layers { get; init; }

    public required int AttentionHeads { get; init; }

    public required int KvHeads { get; init; }

    public required int HeadDim { get; init; }

    /// <summary>FFN width of dense layers.</summary>
    public required int IntermediateSize { get; init; }

    public required int VocabSize { get; init; }

    public required bool TieWordEmbeddings { get; init; }

    public required int MaxPositionEmbeddings { get; init; }

    public required AttentionKind Attention { get; init; }

    public MlaDimensions? Mla { get; init; }

    public LocalAttention? LocalAttention { get; init; }

    public MoeArchitecture? Moe { get; init; }

    /// <summary>Width of the rotary embedding (0 for learned positions); engines cache cos/sin tables of this width.</summary>
    public required int RotaryDim { get; init; }

    /// <summary>Routed experts ship in this format whatever the rest of the checkpoint uses (gpt-oss: MXFP4).</summary>
    public Precision? NativeExpertPrecision { get; init; }

    /// <summary>Multi-token-prediction modules shipped with the checkpoint (config <c>num_nextn_predict_layers</c>; DeepSeek-V3/R1:
    /// 1): each is one transformer block plus a projection that drafts one more token (DeepSeek-V3 technical report §2.2).
    /// They are not in <see cref="Parameters"/> (engines load them only for MTP speculative decoding).</summary>
    public int MtpModules { get; init; }

    public required ParameterBreakdown Parameters { get; init; }

    public long TotalParameters => Parameters.LanguageModel;

    /// <summary>Parameters one token passes through: all but the routed experts it does not visit.</summary>
    public long ActiveParameters => Moe is null
        ? TotalParameters
        : checked(TotalParameters - Parameters.RoutedExperts + (Parameters.RoutedExperts / Moe.Experts * Moe.ExpertsPerToken));

    public bool IsMoe => Moe is not null;

    /// <summary>KV elements one token stores in one layer, over all KV heads (MLA: latent plus rope key).</summary>
    /// <remarks>GQA/MHA: 2·nkv·d (docs/formulas.md §1.2). MLA: kv_lora_rank + qk_rope_head_dim (DeepSeek-V3 model.py).</remarks>
    public long KvElementsPerTokenPerLayer => Mla is { } mla
        ? mla.KvLoraRank + mla.QkRopeHeadDim
        : 2L * KvHeads * HeadDim;

    /// <summary>KV bytes one token stores across all layers, ignoring any sliding window.</summary>
    public Bytes KvCacheBytesPerToken(Precision kvPrecision) =>
        new(checked((long)Math.Round(KvElementsPerTokenPerLayer * Layers * kvPrecision.BytesPerElement())));

    /// <summary>KV heads each TP rank stores: vLLM shards heads and replicates them once TP exceeds them.</summary>
    /// <remarks><c>num_kv_heads = max(1, nkv // tp)</c>, vllm/model_executor/models/llama.py (docs/formulas.md §1.2). MLA keeps its single latent on every rank.</remarks>
    public int KvHeadsPerRank(int tensorParallel) => Math.Max(1, KvHeads / tensorParallel);

    /// <summary>KV elements one token stores per layer on one TP rank.</summary>
    public double KvElementsPerTokenPerLayerPerRank(int tensorParallel) => Mla is not null
        ? KvElementsPerTokenPerLayer
        : 2.0 * KvHeadsPerRank(tensorParallel) * HeadDim;
}
