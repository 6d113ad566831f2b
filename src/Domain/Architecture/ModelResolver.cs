using System.Globalization;
using System.Text.Json;
using Sizing.Domain.Deployment;

namespace Sizing.Domain.Architecture;

/// <summary>The outcome of reading a config: an architecture, or the problems that prevented one.</summary>
public sealed record ModelResolution(ModelArchitecture? Architecture, IReadOnlyList<ConfigProblem> Problems);

/// <summary>Derives a <see cref="ModelArchitecture"/> (parameter counts, KV layout) from a Hugging Face <c>config.json</c>.</summary>
/// <remarks>
/// Counting follows docs/formulas.md §1.1: embedding V·h, LM head V·h unless tied, attention h·nq·d + 2·h·nkv·d + nq·d·h,
/// gated FFN 3·h·I (2·h·I for GELU MLPs), MoE E·3·h·I_moe plus shared experts and an h·E router, MLA per DeepSeek-V3
/// inference/model.py, norms h (RMSNorm) or 2·h (LayerNorm) each. Family quirks (Qwen2 QKV bias, Qwen3/Gemma-3 QK-norm,
/// Gemma's four norms, gpt-oss biases and sinks, Falcon's parallel block, GPT-J's biases, GPT-3's learned positions)
/// come from each family's modeling file in Hugging Face transformers.
/// </remarks>
public static class ModelResolver
{
    private static readonly string[] Supported =
    [
        "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma", "gemma2", "gemma3", "gemma3_text",
        "falcon", "gptj", "gpt2", "internlm", "internlm2", "deepseek_v2", "deepseek_v3", "gpt_oss", "llama4", "llama4_text",
        "phi3", "mistral3",
    ];

    public static ModelResolution Resolve(JsonElement config)
    {
        var problems = new List<ConfigProblem>();
        if (config.ValueKind != JsonValueKind.Object)
        {
            return new ModelResolution(null, [new ConfigProblem("$", "the config must be a JSON object (a Hugging Face config.json).")]);
        }

        var root = new ConfigReader(config, "$", problems);
        var text = root.Child("text_config") ?? root;
        var modelType = text.String("model_type") ?? root.String("model_type");
        if (modelType is null)
        {
            problems.Add(new ConfigProblem($"{text.Path}.model_type", "'model_type' is required (e.g. \"llama\", \"qwen3_moe\", \"deepseek_v3\")."));
            return new ModelResolution(null, problems);
        }

        if (!Supported.Contains(modelType))
        {
            problems.Add(new ConfigProblem($"{text.Path}.model_type",
                $"model_type '{modelType}' is not supported; supported: {string.Join(", ", Supported)}."));
            return new ModelResolution(null, problems);
        }

        var architecture = Build(modelType, root, text, problems);
        return problems.Count == 0 && architecture is not null ? new ModelResolution(architecture, []) : new ModelResolution(null, problems);
    }

    private static ModelArchitecture? Build(string modelType, ConfigReader root, ConfigReader text, List<ConfigProblem> problems)
    {
        var family = Family.Of(modelType);

        // Every dimension against its bound first: nothing below loops over layers or multiplies until they hold.
        var h = text.Required(ModelLimits.Width, "hidden_size", "n_embd", "d_model");
        var layers = text.Required(ModelLimits.Layers, "num_hidden_layers", "n_layer", "num_layers");
        var heads = text.Required(ModelLimits.Heads, "num_attention_heads", "n_head");
        var kvHeads = KvHeads(text, family, heads);
        var headDim = text.Optional(ModelLimits.HeadDim, "head_dim") ?? h / heads;
        var vocab = text.Required(ModelLimits.Vocab, "vocab_size");
        var intermediate = text.Optional(ModelLimits.FfnWidth, "intermediate_size_mlp") is { } mlp && family.IsLlama4
            ? mlp
            : text.Optional(ModelLimits.FfnWidth, "intermediate_size", "n_inner", "ffn_hidden_size") ?? Math.Min(4 * h, ModelLimits.FfnWidth.Max);
        var tie = text.Bool("tie_word_embeddings") ?? root.Bool("tie_word_embeddings") ?? family.TiesEmbeddingsByDefault;
        var maxPositions = text.Optional(ModelLimits.Positions, "max_position_embeddings", "n_positions", "n_ctx", "seq_length") ?? 2048;
        var rotaryDim = text.Optional(ModelLimits.HeadDim, "rotary_dim");
        var mla = family.IsDeepSeek ? ReadMla(text) : null;
        var vision = VisionEstimator.Read(root.Child("vision_config"));
        if (problems.Count > 0)
        {
            return null;
        }

        if (headDim == 0)
        {
            text.Problem("head_dim", $"hidden_size ({h}) / num_attention_heads ({heads}) leaves a head dimension of 0; give 'head_dim' or check both fields.");
            return null;
        }

        if (kvHeads > heads || heads % kvHeads != 0)
        {
            text.Problem("num_key_value_heads", $"num_key_value_heads ({kvHeads}) must divide num_attention_heads ({heads}).");
            return null;
        }

        var moe = ReadMoe(text, family, layers, h, intermediate);
        var localAttention = ReadLocalAttention(text, family, layers);
        if (problems.Count > 0)
        {
            return null;
        }

        var norm = family.LayerNorm ? 2L * h : h;
        long attentionSharded, attentionKv, replicated = 0;
        if (mla is not null)
        {
            var qHead = (long)mla.QkNopeHeadDim + mla.QkRopeHeadDim;
            var qProjection = mla.QLoraRank > 0 ? (long)mla.QLoraRank * heads * qHead : (long)h * heads * qHead;
            attentionSharded = layers * (qProjection + ((long)mla.KvLoraRank * heads * (mla.QkNopeHeadDim + mla.VHeadDim)) + ((long)heads * mla.VHeadDim * h));
            attentionKv = 0;

            // Down-projections to the latents and their norms are ReplicatedLinear in vLLM's deepseek_v2.py.
            var downProjections = ((long)h * (mla.KvLoraRank + mla.QkRopeHeadDim)) + mla.KvLoraRank
                + (mla.QLoraRank > 0 ? ((long)h * mla.QLoraRank) + mla.QLoraRank : 0);
            replicated += layers * downProjections;
        }
        else
        {
            attentionSharded = layers * 2L * h * heads * headDim;
            attentionKv = layers * 2L * h * kvHeads * headDim;
        }

        replicated += layers * AttentionExtras(text, family, h, heads, kvHeads, headDim);
        replicated += layers * family.NormsPerLayer(text) * norm;
        replicated += norm; // final norm

        var denseLayers = layers - (moe?.MoeLayers ?? 0);
        var mlpMatrices = family.GatedMlp ? 3L : 2L;
        var mlpBias = family.MlpBias ? (long)intermediate + h : 0;
        var denseMlp = denseLayers * ((mlpMatrices * h * intermediate) + mlpBias);
        long routed = 0;
        if (moe is not null)
        {
            routed = (long)moe.MoeLayers * moe.Experts * moe.ParametersPerExpert;
            denseMlp += (long)moe.MoeLayers * SharedExpertParameters(text, h, moe);
            replicated += (long)moe.MoeLayers * RouterParameters(family, h, moe.Experts);
        }

        var embedding = ((long)vocab * h) + (family.LearnedPositions ? (long)maxPositions * h : 0);
        var lmHead = tie ? 0 : ((long)vocab * h) + (family.LmHeadBias ? vocab : 0);
        var parameters = new ParameterBreakdown(embedding, lmHead, attentionSharded, attentionKv, denseMlp, routed, replicated,
            Vision: VisionEstimator.Estimate(vision, h));
        var kvPerToken = (mla is not null ? (long)mla.KvLoraRank + mla.QkRopeHeadDim : 2L * kvHeads * headDim) * layers;
        if (kvPerToken > ModelLimits.MaxKvElementsPerToken)
        {
            text.Problem(mla is not null ? "kv_lora_rank" : "num_key_value_heads", string.Create(CultureInfo.InvariantCulture,
                $"these dimensions store {kvPerToken:N0} KV elements per token, more than the {ModelLimits.MaxKvElementsPerToken:N0} any plausible model does (4× Megatron-Turing NLG 530B); check num_hidden_layers, num_key_value_heads and head_dim."));
            return null;
        }

        if (parameters.LanguageModel + parameters.Vision > ModelLimits.MaxParameters)
        {
            problems.Add(new ConfigProblem(text.Path, string.Create(CultureInfo.InvariantCulture,
                $"these dimensions describe {parameters.LanguageModel + parameters.Vision:0.###e0} parameters, more than the {ModelLimits.MaxParameters:0e0} of any plausible model (5× the largest announced); check num_hidden_layers, hidden_size, intermediate_size and the expert counts.")));
            return null;
        }

        return new ModelArchitecture
        {
            ModelType = modelType,
            HiddenSize = h,
            Layers = layers,
            AttentionHeads = heads,
            KvHeads = kvHeads,
            HeadDim = headDim,
            IntermediateSize = intermediate,
            VocabSize = vocab,
            TieWordEmbeddings = tie,
            MaxPositionEmbeddings = maxPositions,
            Attention = mla is not null ? AttentionKind.Mla : kvHeads == heads ? AttentionKind.Mha : kvHeads == 1 ? AttentionKind.Mqa : AttentionKind.Gqa,
            Mla = mla,
            LocalAttention = localAttention,
            Moe = moe,
            RotaryDim = family.LearnedPositions ? 0 : rotaryDim ?? mla?.QkRopeHeadDim ?? headDim,
            NativeExpertPrecision = family.IsGptOss && IsMxfp4(root) ? Precision.Fp4 : null,
            MtpModules = text.OptionalCount("num_nextn_predict_layers", ModelLimits.Layers) ?? 0,
            Parameters = parameters,
        };
    }

    private static int KvHeads(ConfigReader text, Family family, int heads)
    {
        if (text.Optional(ModelLimits.Heads, "num_key_value_heads", "num_kv_heads", "n_head_kv") is { } kv)
        {
            return family.IsFalcon && text.Bool("new_decoder_architecture") != true && text.Bool("multi_query") == true ? 1 : kv;
        }

        return family.IsFalcon && text.Bool("multi_query") == true ? 1 : heads;
    }

    private static long AttentionExtras(ConfigReader text, Family family, int h, int heads, int kvHeads, int headDim)
    {
        long q = (long)heads * headDim, kv = (long)kvHeads * headDim;
        long extras = 0;
        if (family.QkvBias || text.Bool("attention_bias") == true || text.Bool("bias") == true)
        {
            extras += q + (2 * kv);
        }

        if (family.OutputBias || (text.Bool("bias") == true && family.BiasFlagCoversOutput))
        {
            extras += h;
        }

        if (family.QkNorm || text.Bool("use_qk_norm") == true && !family.IsLlama4)
        {
            extras += 2L * headDim;
        }

        if (family.IsGptOss)
        {
            extras += heads; // learned attention sinks, one per head
        }

        return extras;
    }

    private static MlaDimensions? ReadMla(ConfigReader text)
    {
        var kvLora = text.Required(ModelLimits.Width, "kv_lora_rank");
        var nope = text.Required(ModelLimits.HeadDim, "qk_nope_head_dim");
        var rope = text.Required(ModelLimits.HeadDim, "qk_rope_head_dim");
        var v = text.Required(ModelLimits.HeadDim, "v_head_dim");
        return new MlaDimensions(text.Optional(ModelLimits.Width, "q_lora_rank") ?? 0, kvLora, nope, rope, v);
    }

    /// <summary>The MoE layout, or null for a dense model (no experts, or no layer that uses them).</summary>
    private static MoeArchitecture? ReadMoe(ConfigReader text, Family family, int layers, int h, int intermediate)
    {
        var experts = text.Optional(ModelLimits.Experts, "num_local_experts", "n_routed_experts", "num_experts");
        if (experts is null || experts <= 1)
        {
            return null;
        }

        var topK = text.Required(ModelLimits.Experts, "num_experts_per_tok", "experts_per_token", "moe_topk");
        if (topK > experts)
        {
            text.Problem("num_experts_per_tok", $"num_experts_per_tok ({topK}) cannot exceed the number of experts ({experts}).");
        }

        var expertIntermediate = family.IsLlama4
            ? text.Required(ModelLimits.FfnWidth, "intermediate_size")
            : text.Optional(ModelLimits.FfnWidth, "moe_intermediate_size") ?? intermediate;
        var shared = text.OptionalCount("n_shared_experts", ModelLimits.Experts)
            ?? (family.IsLlama4 ? 1 : text.Optional(ModelLimits.FfnWidth, "shared_expert_intermediate_size") is not null ? 1 : 0);
        var moeLayers = MoeLayerCount(text, family, layers);
        if (moeLayers == 0)
        {
            return null; // every layer is dense (e.g. all listed in mlp_only_layers): the experts are never used
        }

        var perExpert = 3L * h * expertIntermediate;
        if (family.IsGptOss)
        {
            perExpert += (2L * expertIntermediate) + h; // gate_up and down biases
        }

        return new MoeArchitecture(experts.Value, topK, shared, expertIntermediate, moeLayers, perExpert);
    }

    /// <summary>How many of the layers are MoE layers; each list and stride is read once, then the layers are counted.</summary>
    private static int MoeLayerCount(ConfigReader text, Family family, int layers)
    {
        if (family.IsDeepSeek)
        {
            var firstDense = text.OptionalCount("first_k_dense_replace", ModelLimits.Layers) ?? 0;
            var frequency = text.Optional(ModelLimits.Stride, "moe_layer_freq") ?? 1;
            return Enumerable.Range(0, layers).Count(layer => layer >= firstDense && layer % frequency == 0);
        }

        if (family.IsLlama4)
        {
            var listed = text.LayerIndexes("moe_layers", layers);
            if (listed.Count > 0)
            {
                return listed.Count;
            }

            var step = text.Optional(ModelLimits.Stride, "interleave_moe_layer_step") ?? 1;
            return Enumerable.Range(0, layers).Count(layer => (layer + 1) % step == 0);
        }

        var dense = text.LayerIndexes("mlp_only_layers", layers);
        var sparseStep = text.Optional(ModelLimits.Stride, "decoder_sparse_step") ?? 1;
        return Enumerable.Range(0, layers).Count(layer => !dense.Contains(layer) && (layer + 1) % sparseStep == 0);
    }

    private static long SharedExpertParameters(ConfigReader text, int h, MoeArchitecture moe)
    {
        if (moe.SharedExperts == 0)
        {
            return 0;
        }

        if (text.Optional(ModelLimits.FfnWidth, "shared_expert_intermediate_size") is { } sharedWidth)
        {
            return (3L * h * sharedWidth) + h; // Qwen2-MoE: one shared expert plus its h×1 gate
        }

        return moe.SharedExperts * 3L * h * moe.ExpertIntermediateSize;
    }

    private static long RouterParameters(Family family, int h, int experts) =>
        ((long)h * experts) + (family.IsGptOss || family.IsDeepSeekV3 ? experts : 0);

    private static LocalAttention? ReadLocalAttention(ConfigReader text, Family family, int layers)
    {
        if (family.IsLlama4 && text.Optional(ModelLimits.Positions, "attention_chunk_size") is { } chunk)
        {
            var ropeLayers = text.Integers("no_rope_layers", layers);
            var chunked = ropeLayers.Count == layers ? ropeLayers.Count(r => r != 0) : layers - (layers / 4);
            return chunked == 0 ? null : new LocalAttention(chunk, chunked);
        }

        var window = text.Optional(ModelLimits.Positions, "sliding_window", "sliding_window_size");
        var layerTypes = text.Strings("layer_types", layers);
        if (layerTypes.Count > 0 && layerTypes.Count != layers)
        {
            text.Problem("layer_types", $"'layer_types' must give one type per layer: it lists {layerTypes.Count} for {layers} layers.");
            return null;
        }

        if (window is null || text.Bool("use_sliding_window") == false)
        {
            return null;
        }

        if (layerTypes.Count > 0)
        {
            var sliding = layerTypes.Count(t => t == "sliding_attention");
            return sliding == 0 ? null : new LocalAttention(window.Value, sliding);
        }

        return family.Name switch
        {
            "gemma2" => new LocalAttention(window.Value, (layers + 1) / 2),
            "gemma3" or "gemma3_text" => new LocalAttention(window.Value, layers - (layers / (text.Optional(ModelLimits.Stride, "sliding_window_pattern") ?? 6))),
            _ => new LocalAttention(window.Value, layers),
        };
    }

    private static bool IsMxfp4(ConfigReader root) =>
        root.Child("quantization_config")?.String("quant_method") == "mxfp4";

    /// <summary>What one model family does differently from the Llama baseline.</summary>
    private sealed record Family(string Name)
    {
        public bool IsLlama4 => Name is "llama4" or "llama4_text";

        public bool IsDeepSeek => Name is "deepseek_v2" or "deepseek_v3";

        public bool IsDeepSeekV3 => Name is "deepseek_v3";

        public bool IsGptOss => Name is "gpt_oss";

        public bool IsFalcon => Name is "falcon";

        public bool LayerNorm => Name is "falcon" or "gptj" or "gpt2";

        public bool GatedMlp => Name is not ("falcon" or "gptj" or "gpt2");

        public bool MlpBias => Name is "gptj" or "gpt2";

        public bool QkvBias => Name is "qwen2" or "qwen2_moe" or "gpt2" or "gpt_oss";

        public bool OutputBias => Name is "gpt2" or "gpt_oss";

        public bool BiasFlagCoversOutput => Name is "internlm";

        public bool QkNorm => Name is "qwen3" or "qwen3_moe" or "gemma3" or "gemma3_text";

        public bool LearnedPositions => Name is "gpt2";

        public bool LmHeadBias => Name is "gptj";

        public bool TiesEmbeddingsByDefault => Name is "gemma" or "gemma2" or "gemma3" or "gemma3_text" or "falcon" or "gpt2";

        public long NormsPerLayer(ConfigReader text) => Name switch
        {
            "gemma2" or "gemma3" or "gemma3_text" => 4,
            "gptj" => 1,
            "falcon" => text.Bool("new_decoder_architecture") == true || text.Bool("parallel_attn") == false ? 2 : 1,
            _ => 2,
        };

        public static Family Of(string modelType) => new(modelType switch
        {
            "mistral3" => "mistral",
            _ => modelType,
        });
    }
}
