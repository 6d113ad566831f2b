namespace Sizing.Domain.Architecture;

/// <summary>Estimates the weights of a multimodal model's vision encoder and projector from its <c>vision_config</c>.</summary>
/// <remarks>
/// A ViT layer is 4·hv² attention weights (with biases) plus a 2·hv·Iv GELU MLP (3·hv·Iv where the encoder is gated, as
/// Pixtral's is), plus a patch embedding 3·p²·hv, learned positions (image/patch)²·hv, and a projector hv·h into the text
/// model. It is an estimate (adapter details vary by family) but the tower is 1–2 % of the model, so its error is small.
/// </remarks>
internal static class VisionEstimator
{
    public static long Estimate(ConfigReader? vision, int textHidden)
    {
        if (vision is null)
        {
            return 0;
        }

        var hv = vision.Optional("hidden_size") ?? 0;
        var layers = vision.Optional("num_hidden_layers", "depth") ?? 0;
        if (hv == 0 || layers == 0)
        {
            return 0;
        }

        var iv = vision.Optional("intermediate_size") ?? (4 * hv);
        var patch = vision.Optional("patch_size") ?? 14;
        var image = vision.Optional("image_size") ?? 224;
        var gated = vision.String("model_type") == "pixtral" || vision.String("hidden_act") == "silu";
        var perLayer = (4L * hv * hv) + (4L * hv) + ((gated ? 3L : 2L) * hv * iv) + iv + hv + (4L * hv);
        var patchEmbedding = 3L * patch * patch * hv;
        var positions = gated ? 0 : (long)(image / patch) * (image / patch) * hv;
        var projector = ((long)(vision.Optional("vision_output_dim", "projector_output_dim") ?? hv) * textHidden) + ((long)textHidden * textHidden);
        return (layers * perLayer) + patchEmbedding + positions + projector;
    }
}
