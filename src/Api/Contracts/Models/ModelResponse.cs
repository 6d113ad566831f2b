using Sizing.Domain;
using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;

namespace Sizing.Api.Contracts.Models;

/// <summary>A model: its architecture as read from config.json and the figures derived from it.</summary>
/// <param name="Id">Catalog id (null for a resolved config).</param>
/// <param name="Name">Display name.</param>
/// <param name="HfId">Hugging Face repository, where there is one.</param>
/// <param name="Architecture">The config fields the sizing formulas use.</param>
/// <param name="TotalParameters">Language-model parameters (embedding and LM head included; the vision tower is counted separately). Example: 70553706496.</param>
/// <param name="ActiveParameters">Parameters one token passes through (MoE: shared parts plus top-k routed experts). Example: 70553706496.</param>
/// <param name="VisionParameters">Estimated vision encoder and projector parameters of multimodal models (loaded with the weights); 0 for text-only models.</param>
/// <param name="KvCacheBytesPerToken">KV-cache bytes per token for the whole model in 16-bit, every layer counted. Example: 327680.</param>
/// <param name="Source">Where the config was taken from.</param>
public sealed record ModelResponse(
    string? Id,
    string Name,
    string? HfId,
    ArchitectureResponse Architecture,
    long TotalParameters,
    long ActiveParameters,
    long VisionParameters,
    long KvCacheBytesPerToken,
    string Source);

/// <summary>The architecture fields that decide memory and compute.</summary>
/// <param name="ModelType">Hugging Face model_type, e.g. llama.</param>
/// <param name="Attention">mha | gqa | mqa | mla.</param>
/// <param name="HiddenSize">hidden_size.</param>
/// <param name="NumHiddenLayers">num_hidden_layers.</param>
/// <param name="NumAttentionHeads">num_attention_heads (query heads).</param>
/// <param name="NumKeyValueHeads">num_key_value_heads (KV heads; what the KV cache scales with).</param>
/// <param name="HeadDim">head_dim.</param>
/// <param name="IntermediateSize">FFN width of dense layers.</param>
/// <param name="VocabSize">vocab_size.</param>
/// <param name="TieWordEmbeddings">Whether the LM head shares the embedding weights.</param>
/// <param name="MaxPositionEmbeddings">Longest context the config allows.</param>
/// <param name="SlidingWindowTokens">Local attention window (sliding or chunked), if any.</param>
/// <param name="SlidingWindowLayers">Layers using that window; the rest attend to the whole context.</param>
/// <param name="KvLoraRank">MLA latent width (DeepSeek), if MLA.</param>
/// <param name="QkRopeHeadDim">MLA decoupled rope key width, if MLA.</param>
/// <param name="Experts">Routed experts per MoE layer (0 for dense models).</param>
/// <param name="ExpertsPerToken">Routed experts each token visits.</param>
/// <param name="SharedExperts">Always-active experts per MoE layer.</param>
/// <param name="ExpertIntermediateSize">FFN width of one expert.</param>
/// <param name="MoeLayers">Number of MoE layers.</param>
/// <param name="NativeExpertPrecision">Format the checkpoint's experts ship in when narrower than the rest (gpt-oss: fp4 = MXFP4).</param>
public sealed record ArchitectureResponse(
    string ModelType,
    string Attention,
    int HiddenSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int NumKeyValueHeads,
    int HeadDim,
    int IntermediateSize,
    int VocabSize,
    bool TieWordEmbeddings,
    int MaxPositionEmbeddings,
    int? SlidingWindowTokens,
    int? SlidingWindowLayers,
    int? KvLoraRank,
    int? QkRopeHeadDim,
    int Experts,
    int ExpertsPerToken,
    int SharedExperts,
    int? ExpertIntermediateSize,
    int MoeLayers,
    string? NativeExpertPrecision);

public static class ModelMapping
{
    public static ModelResponse ToResponse(this ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Architecture.ToResponse(model.Id, model.Name, model.HfId, model.Source);
    }

    public static ModelResponse ToResponse(this ModelArchitecture a, string? id, string name, string? hfId, string source)
    {
        ArgumentNullException.ThrowIfNull(a);
        var architecture = new ArchitectureResponse(
            a.ModelType, a.Attention.ToString().ToLowerInvariant(), a.HiddenSize, a.Layers, a.AttentionHeads, a.KvHeads, a.HeadDim,
            a.IntermediateSize, a.VocabSize, a.TieWordEmbeddings, a.MaxPositionEmbeddings, a.LocalAttention?.Tokens, a.LocalAttention?.Layers,
            a.Mla?.KvLoraRank, a.Mla?.QkRopeHeadDim, a.Moe?.Experts ?? 0, a.Moe?.ExpertsPerToken ?? 0, a.Moe?.SharedExperts ?? 0,
            a.Moe?.ExpertIntermediateSize, a.Moe?.MoeLayers ?? 0, a.NativeExpertPrecision is { } p ? EnumText.Of(p) : null);
        return new ModelResponse(id, name, hfId, architecture, a.TotalParameters, a.ActiveParameters, a.Parameters.Vision,
            a.KvCacheBytesPerToken(Precision.Bf16).Value, source);
    }
}
