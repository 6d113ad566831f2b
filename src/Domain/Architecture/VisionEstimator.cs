namespace Sizing.Domain.Architecture;

/// <summary>Estimates the weights of a multimodal model's vision encoder and projector from its <c>vision_config</c>.</summary>
/// <remarks>
/// A ViT layer is 4·hv² attention weights (with biases) plus a 2·hv·Iv GELU MLP (3·hv·Iv where the encoder is gated, as
/// Pixtral's is), plus a patch embedding 3·p²·hv, learned positions (image/patch)²·hv, and a projector hv·h into the text
/// model. It is an estimate (adapter details vary by family) but the tower is 1–2 % of the model, so its error is small.
/// </remarks>
internal static class VisionEstimator
{
    /// <summary>The tower's dimensions, each against its bound (problems go to the reader), or null without a vision tower.</summary>
    public static VisionTower? Read(ConfigReader? vision)
    {
        if (vision is null)
        {
            return null;
        }

        var hv = vision.Optional(ModelLimits.Width, "hidden_size") ?? 0;
        var layers = vision.Optional(ModelLimits.Layers, "num_hidden_layers", "depth") ?? 0;
        var iv = vision.Optional(ModelLimits.FfnWidth, "intermediate_size");
        var patch = vision.Optional(ModelLimits.Width, "patch_size") ?? 14;
        var image = vision.Optional(ModelLimits.Width, "image_size") ?? 224;
        var output = vision.Optional(ModelLimits.Width, "vision_output_dim", "projector_output_dim");
        var gated = vision.String("model_type") == "pixtral" || vision.String("hidden_act") == "silu";
        return hv == 0 || layers == 0 ? null : new VisionTower(hv, layers, iv ?? (4 * hv), patch, image, output ?? hv, gated);
    }

    public static long Estimate(VisionTower? tower, int textHidden)
    {
        if (tower is not var (hv, layers, iv, patch, image, output, gated))
        {
            return 0;
        }

        var perLayer = (4L * hv * hv) + (4L * hv) + ((gated ? 3L : 2L) * hv * iv) + iv + hv + (4L * hv);
        var patchEmbedding = 3L * patch * patch * hv;
        var positions = gated ? 0 : (long)(image / patch) * (image / patch) * hv;
        var projector = ((long)output * textHidden) + ((long)textHidden * textHidden);
        return (layers * perLayer) + patchEmbedding + positions + projector;
    }
}

/// <summary>A vision encoder's width, depth, MLP width, patch and image sizes, projector output and whether its MLP is gated.</summary>
internal sealed record VisionTower(int Hidden, int Layers, int Intermediate, int Patch, int Image, int Output, bool Gated);
