using System.Text.Json.Serialization;

namespace Sizing.Domain.Deployment;

/// <summary>Numeric format of weights or KV cache.</summary>
public enum Precision
{
    [JsonStringEnumMemberName("fp32")] Fp32,
    [JsonStringEnumMemberName("fp16")] Fp16,
    [JsonStringEnumMemberName("bf16")] Bf16,
    [JsonStringEnumMemberName("fp8")] Fp8,
    [JsonStringEnumMemberName("int8")] Int8,
    [JsonStringEnumMemberName("int4")] Int4,
    [JsonStringEnumMemberName("fp4")] Fp4,
}

public static class PrecisionExtensions
{
    /// <summary>Storage bytes per element, without quantization scales.</summary>
    public static double BytesPerElement(this Precision precision) => precision switch
    {
        Precision.Fp32 => 4,
        Precision.Fp16 or Precision.Bf16 => 2,
        Precision.Fp8 or Precision.Int8 => 1,
        Precision.Int4 or Precision.Fp4 => 0.5,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>
    /// Bytes per weight including the per-group scales that quantized checkpoints carry.
    /// </summary>
    /// <remarks>
    /// int4 (AWQ/GPTQ): one fp16 scale and one packed zero point per group of 128 weights, so
    /// 0.5 + (2 + 0.5) / 128 ≈ 0.52 B (AutoAWQ / GPTQ default group size 128).
    /// fp4 (NVFP4): one fp8 scale per 16 values, 0.5 + 1/16 = 0.5625 B (NVIDIA TensorRT Model Optimizer NVFP4 format);
    /// MXFP4 (gpt-oss) is one 8-bit scale per 32, 0.53125 B (OCP MX spec v1.0). fp8 and int8 carry one scale
    /// per channel or tensor, which is negligible.
    /// </remarks>
    public static double WeightBytesPerParameter(this Precision precision) => precision switch
    {
        Precision.Int4 => 0.5 + (2.5 / 128),
        Precision.Fp4 => 0.5 + (1.0 / 16),
        _ => precision.BytesPerElement(),
    };

    public static bool IsSixteenBitOrWider(this Precision precision) =>
        precision is Precision.Fp32 or Precision.Fp16 or Precision.Bf16;
}
