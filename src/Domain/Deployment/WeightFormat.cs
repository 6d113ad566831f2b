using System.Text.Json.Serialization;

namespace Sizing.Domain.Deployment;

/// <summary>How a checkpoint stores its transformer-block linears: the format its config.json's quantization_config declares.</summary>
/// <remarks>
/// One <see cref="Precision"/> can be stored several ways, and the ways run on different hardware: fp4 is NVFP4 (NVIDIA
/// ModelOpt: E2M1 values, one FP8 scale per 16) or MXFP4 (OCP Microscaling v1.0: one 8-bit power-of-two scale per 32, as
/// gpt-oss ships its experts); fp8 is per-tensor/per-channel or, as DeepSeek-V3/R1 and Qwen3's FP8 releases ship it,
/// block-scaled (128 × 128 weight blocks, quantization_config.weight_block_size).
/// </remarks>
public enum WeightFormat
{
    [JsonStringEnumMemberName("fp32")] Fp32,
    [JsonStringEnumMemberName("fp16")] Fp16,
    [JsonStringEnumMemberName("bf16")] Bf16,

    /// <summary>FP8 E4M3 weights with per-tensor or per-channel scales (W8A8).</summary>
    [JsonStringEnumMemberName("fp8")] Fp8,

    /// <summary>FP8 E4M3 weights with one scale per 128 × 128 block (DeepSeek-V3/R1, Qwen3 FP8).</summary>
    [JsonStringEnumMemberName("fp8-block")] Fp8Block,

    /// <summary>INT8 weights and activations (W8A8, SmoothQuant-style).</summary>
    [JsonStringEnumMemberName("int8")] Int8,

    /// <summary>INT4 weights with 16-bit activations (W4A16: AWQ, GPTQ, compressed-tensors w4a16), group size 128.</summary>
    [JsonStringEnumMemberName("int4")] Int4,

    /// <summary>NVIDIA's FP4: E2M1 values with one FP8 scale per 16 (ModelOpt, compressed-tensors nvfp4).</summary>
    [JsonStringEnumMemberName("nvfp4")] Nvfp4,

    /// <summary>OCP MXFP4: E2M1 values with one E8M0 scale per 32 (gpt-oss experts, AMD Quark MXFP4).</summary>
    [JsonStringEnumMemberName("mxfp4")] Mxfp4,
}

public static class WeightFormatExtensions
{
    /// <summary>The precision a plan calls this format (the one its memory figures use).</summary>
    public static Precision Precision(this WeightFormat format) => format switch
    {
        WeightFormat.Fp32 => Deployment.Precision.Fp32,
        WeightFormat.Fp16 => Deployment.Precision.Fp16,
        WeightFormat.Bf16 => Deployment.Precision.Bf16,
        WeightFormat.Fp8 or WeightFormat.Fp8Block => Deployment.Precision.Fp8,
        WeightFormat.Int8 => Deployment.Precision.Int8,
        WeightFormat.Int4 => Deployment.Precision.Int4,
        WeightFormat.Nvfp4 or WeightFormat.Mxfp4 => Deployment.Precision.Fp4,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    public static bool IsSixteenBitOrWider(this WeightFormat format) => format.Precision().IsSixteenBitOrWider();
}
