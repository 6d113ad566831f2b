using Sizing.Domain.Architecture;

namespace Sizing.Domain.Speculative;

/// <summary>What one drafting pass runs, as a model the step model can cost.</summary>
public static class DraftArchitecture
{
    /// <summary>One multi-token-prediction module of <paramref name="target"/>: one transformer block of the target (its MoE
    /// block where the target has MoE layers), the projection of the concatenated hidden state and next-token embedding back to
    /// the hidden size, and the shared embedding and output head.</summary>
    /// <remarks>DeepSeek-V3 technical report §2.2: "the k-th MTP module consists of a shared embedding layer Emb(·), a shared
    /// output head OutHead(·), a Transformer block TRM_k(·), and a projection matrix M_k ∈ R^{d×2d}"; the checkpoint's MTP
    /// weights come to 14B parameters (model card: 671B main model + 14B MTP module).</remarks>
    public static ModelArchitecture Mtp(ModelArchitecture target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var block = OneBlock(target, keepExperts: true);
        var projection = 2L * target.HiddenSize * target.HiddenSize;
        return block with { Parameters = block.Parameters with { Replicated = block.Parameters.Replicated + projection } };
    }

    /// <summary>One EAGLE head for <paramref name="target"/>: a single dense decoder layer of the target's width over the fused
    /// target features, plus the target's output head.</summary>
    /// <remarks>Li et al., "EAGLE: Speculative Sampling Requires Rethinking Feature Uncertainty" (ICML 2024) §4: the draft model is
    /// an embedding layer, an FC layer from 2d to d and one decoder layer, sharing the target's embedding and LM head;
    /// EAGLE-3 fuses three feature levels (3d to d). Heads are dense even for MoE targets.</remarks>
    public static ModelArchitecture Eagle(ModelArchitecture target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var block = OneBlock(target, keepExperts: false);
        var h = (long)target.HiddenSize;
        var mlp = 3L * h * target.IntermediateSize;
        var fusion = 3L * h * h;
        return block with
        {
            Moe = null,
            Parameters = block.Parameters with { DenseMlp = mlp, RoutedExperts = 0, Replicated = block.Parameters.Replicated + fusion },
        };
    }

    /// <summary>A one-layer model with the target's per-layer weights and its embedding and head.</summary>
    private static ModelArchitecture OneBlock(ModelArchitecture target, bool keepExperts)
    {
        var p = target.Parameters;
        var layers = target.Layers;
        var moe = target.Moe;
        var mlpLayers = layers - (moe?.MoeLayers ?? 0) + (moe is { SharedExperts: > 0 } ? moe.MoeLayers : 0);
        var moeBlock = keepExperts && moe is { MoeLayers: > 0 };
        return target with
        {
            Layers = 1,
            LocalAttention = null,
            MtpModules = 0,
            Moe = moeBlock ? moe! with { MoeLayers = 1 } : null,
            Parameters = p with
            {
                AttentionSharded = p.AttentionSharded / layers,
                AttentionKv = p.AttentionKv / layers,
                DenseMlp = mlpLayers > 0 ? p.DenseMlp / mlpLayers : 0,
                RoutedExperts = moeBlock ? p.RoutedExperts / moe!.MoeLayers : 0,
                Replicated = p.Replicated / layers,
                Vision = 0,
            },
        };
    }
}
