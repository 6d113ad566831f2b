namespace Sizing.Domain.Deployment;

/// <summary>The KV-cache format an engine uses when the caller does not choose one.</summary>
public static class KvCacheDefaults
{
    /// <remarks>
    /// vLLM and SGLang (<c>kv_cache_dtype auto</c>) keep the model's 16-bit dtype even for quantized weights. TensorRT-LLM
    /// checkpoints quantized to FP8 or NVFP4 with TensorRT Model Optimizer carry an FP8 KV cache by default
    /// (hf_ptq.py <c>kv_cache_qformat</c> fp8), as do NVIDIA's published FP8 checkpoints.
    /// </remarks>
    public static Precision For(Engine engine, Precision weights) => weights switch
    {
        Precision.Fp8 or Precision.Fp4 when engine == Engine.Trtllm => Precision.Fp8,
        Precision.Fp16 => Precision.Fp16,
        _ => Precision.Bf16,
    };
}
