namespace Sizing.Domain.Architecture;

/// <summary>The largest value a config field may take, and why that is beyond any real model.</summary>
public sealed record ConfigBound(int Max, string Why);

/// <summary>Physical bounds on a model config: well above every published model, low enough that a config cannot make the
/// service do unbounded work or form numbers no model has.</summary>
/// <remarks>
/// Every dimension is read against its bound before any per-layer work. Inside them the largest product the resolver forms,
/// routed experts = layers × experts × 3·h·I, is at most 2^10 · 2^12 · 3 · 2^16 · 2^18 ≈ 2^58, below 2^63: the checked 64-bit
/// parameter arithmetic cannot overflow, and the total is then held to <see cref="MaxParameters"/>.
/// </remarks>
public static class ModelLimits
{
    /// <summary>Decoder layers (also the length of any per-layer list).</summary>
    public static readonly ConfigBound Layers = new(1_024, "8× the 126 layers of Llama-3.1-405B, the deepest published decoder");

    /// <summary>Hidden sizes, latent ranks and vision widths.</summary>
    public static readonly ConfigBound Width = new(65_536, "3× the 20,480 hidden size of Megatron-Turing NLG 530B");

    /// <summary>Feed-forward widths (dense and per expert).</summary>
    public static readonly ConfigBound FfnWidth = new(262_144, "3.5× the 73,728 of PaLM 540B");

    /// <summary>Attention and KV heads.</summary>
    public static readonly ConfigBound Heads = new(1_024, "4× the 232 heads of Falcon-180B");

    /// <summary>Per-head widths (head_dim, MLA head dims, rotary_dim).</summary>
    public static readonly ConfigBound HeadDim = new(1_024, "4× the 256 of Gemma");

    public static readonly ConfigBound Vocab = new(1_048_576, "4× the 262,208 entries of Gemma 3");

    /// <summary>Routed experts per layer, experts per token and shared experts.</summary>
    public static readonly ConfigBound Experts = new(4_096, "2× the 2,048 experts of Switch-C");

    /// <summary>Context lengths, sliding windows, attention chunks.</summary>
    public static readonly ConfigBound Positions = new(16_777_216, "1.6× the 10M-token context of Llama 4 Scout");

    /// <summary>Layer strides and patterns (moe_layer_freq, decoder_sparse_step, sliding_window_pattern, …).</summary>
    public static readonly ConfigBound Stride = new(1_024, "a stride beyond the layer bound selects no layer");

    /// <summary>KV elements one token stores over all layers (2·layers·kv_heads·head_dim; MLA: layers·(kv_lora_rank + rope)):
    /// 2^24, 4× the 4.3M of Megatron-Turing NLG 530B (105 layers of 128 full heads of 160), the most of any published model.</summary>
    /// <remarks>With the request's bound on tokens in flight this keeps every KV byte count below 2^63.</remarks>
    public const long MaxKvElementsPerToken = 1L << 24;

    /// <summary>Language-model parameters: 10 trillion, 5× Llama 4 Behemoth (about 2T), the largest model announced; in fp32
    /// that is 40 TB, within a 1,024-GPU search's memory, so anything larger is a typo, not a model.</summary>
    public const long MaxParameters = 10_000_000_000_000;
}
