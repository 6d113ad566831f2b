using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;

namespace Sizing.Domain.Deployment;

/// <summary>Which weight and KV-cache formats each engine runs on each GPU generation: the one place that decides it.</summary>
/// <remarks>
/// <para>Hardware: FP8 tensor cores arrive with Ada (SM89), Hopper and CDNA3 (MI300); FP4 tensor cores only with Blackwell
/// (catalog denseTflops). TensorRT-LLM runs only on NVIDIA GPUs; its PyTorch backend lists FP4, FP8 (per-tensor, block,
/// rowwise), FP8 and NVFP4 KV cache, W4A16/W4A8 AWQ and GPTQ, and says "NVFP4 is only supported on NVIDIA Blackwell"
/// (TensorRT-LLM docs features/quantization.html; Llama4 Scout deployment guide).</para>
/// <para>vLLM: FP8 checkpoints run on Ampere as weight-only W8A16 through FP8 Marlin (vLLM docs quantization/fp8: "FP8
/// models will run on compute capability &gt; 8.0 (Ampere) as weight-only W8A16"); NVFP4 falls back to weight-only Marlin
/// on GPUs without native FP4 GEMMs (vLLM docs quantization/modelopt.md); MXFP4 gpt-oss runs on H100/H200/B200 and
/// MI300X/MI325X/MI355X, on A100 through Marlin MXFP4, and Ada is listed as not yet working (vllm-project/recipes
/// OpenAI/GPT-OSS.md). KV cache: fp8 on CUDA and ROCm (vllm/config/cache.py CacheConfig.cache_dtype), nvfp4 only on the
/// SM100 trtllm-gen path (vllm-project/vllm#49011: SM120 is excluded), int8/int4 per-token-head (CacheDType).</para>
/// <para>SGLang: MXFP4 gpt-oss also on Ampere (measured: SGLang 0.5.3 and 0.5.4.post2 serve openai/gpt-oss-20b and -120b on
/// one A100 in gpustack/gpustack docs/performance-lab/gpt-oss-20b/a100.md and gpt-oss-120b/a100.md). FP8 on FP8-capable GPUs and ROCm ("--quantization fp8 on a fp16 checkpoint or directly load a fp8
/// checkpoint", docs advanced_features/server_arguments); KV fp8_e4m3/fp8_e5m2 and, on Blackwell, fp4_e2m1 (docs
/// advanced_features/quantized_kv_cache; sgl-project/sglang#10083). TensorRT-LLM: FP8 KV cache and NVFP4 KV cache on
/// Blackwell (features/quantization.html). LMDeploy: NVIDIA only here; AWQ W4A16, SmoothQuant W8A8, FP8 on FP8 GPUs,
/// KV cache int8/int4 (quant_policy 8/4). <c>generic</c> runs what any of them runs.</para>
/// <para>ROCm has no NVFP4 kernels and MI300X/MI325X have no FP4 tensor cores, so no engine runs NVFP4 there.</para>
/// </remarks>
public static class PrecisionSupport
{
    private static readonly Engine[] NamedEngines = [Engine.Vllm, Engine.Sglang, Engine.Trtllm, Engine.Lmdeploy];

    /// <summary>The GPU generations the rules tell apart.</summary>
    public enum Family
    {
        Ampere,
        Ada,
        Hopper,
        Blackwell,
        Cdna3,
        Other,
    }

    public static Family FamilyOf(GpuSpec gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return gpu.Architecture switch
        {
            "ampere" => Family.Ampere,
            "ada" => Family.Ada,
            "hopper" => Family.Hopper,
            "blackwell" => Family.Blackwell,
            "cdna3" => Family.Cdna3,
            _ => Family.Other,
        };
    }

    /// <summary>Why <paramref name="engine"/> cannot serve <paramref name="format"/> weights on <paramref name="gpu"/>; null when it can.</summary>
    public static string? WeightProblem(GpuSpec gpu, Engine engine, WeightFormat format)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        if (engine == Engine.Generic)
        {
            return Engines(e => WeightProblem(gpu, e, format) is null) ? null : WeightProblem(gpu, Engine.Vllm, format);
        }

        var family = FamilyOf(gpu);
        var name = Name(engine);
        var amd = gpu.Vendor == "amd";
        if (amd && engine is Engine.Trtllm or Engine.Lmdeploy)
        {
            return $"{name} runs only on NVIDIA GPUs; {gpu.Id} is an AMD GPU (ROCm)";
        }

        var what = $"{Text(format)} weights";
        return format switch
        {
            WeightFormat.Fp32 or WeightFormat.Fp16 or WeightFormat.Bf16 => null,
            WeightFormat.Fp8 or WeightFormat.Fp8Block when family == Family.Ampere && engine != Engine.Vllm =>
                $"{name} runs {what} only on GPUs with FP8 tensor cores (Ada, Hopper, Blackwell, MI300); {gpu.Id} is Ampere (vLLM runs them weight-only through FP8 Marlin)",
            WeightFormat.Fp8Block when engine == Engine.Trtllm && family is not (Family.Hopper or Family.Blackwell) =>
                $"TensorRT-LLM's block-scaled FP8 kernels run on Hopper and Blackwell; {gpu.Id} is {gpu.Architecture}",
            WeightFormat.Fp8 or WeightFormat.Fp8Block => null,
            WeightFormat.Int8 when gpu.DenseTflops.Int8 is null => $"{gpu.Id} has no INT8 tensor cores for W8A8 {what}",
            WeightFormat.Int8 when engine == Engine.Trtllm => "TensorRT-LLM's PyTorch backend has no INT8 W8A8 recipe (its quantization guide lists FP4, FP8 and W4A16/W4A8 AWQ/GPTQ)",
            WeightFormat.Int8 when amd && engine == Engine.Sglang => $"SGLang's INT8 W8A8 kernels are CUDA-only; {gpu.Id} is an AMD GPU",
            WeightFormat.Int8 => null,
            WeightFormat.Int4 when amd && engine == Engine.Sglang => $"SGLang's AWQ/GPTQ Marlin kernels are CUDA-only; {gpu.Id} is an AMD GPU",
            WeightFormat.Int4 => null,
            WeightFormat.Nvfp4 when amd => $"ROCm has no NVFP4 kernels and {gpu.Id} has no FP4 tensor cores: no engine runs NVFP4 there",
            WeightFormat.Nvfp4 when family == Family.Blackwell => null,
            WeightFormat.Nvfp4 when engine == Engine.Vllm => null,
            WeightFormat.Nvfp4 => $"{name} runs NVFP4 only on Blackwell FP4 tensor cores; {gpu.Id} is {gpu.Architecture} (vLLM alone falls back to weight-only Marlin)",
            WeightFormat.Mxfp4 => Mxfp4Problem(gpu, engine, family),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }

    /// <summary>Why <paramref name="engine"/> cannot keep its KV cache in <paramref name="kv"/> on <paramref name="gpu"/>; null when it can.</summary>
    public static string? KvCacheProblem(GpuSpec gpu, Engine engine, Precision kv)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        if (engine == Engine.Generic)
        {
            return Engines(e => KvCacheProblem(gpu, e, kv) is null) ? null : KvCacheProblem(gpu, Engine.Vllm, kv);
        }

        var family = FamilyOf(gpu);
        var name = Name(engine);
        var amd = gpu.Vendor == "amd";
        if (amd && engine is Engine.Trtllm or Engine.Lmdeploy)
        {
            return $"{name} runs only on NVIDIA GPUs; {gpu.Id} is an AMD GPU (ROCm)";
        }

        return kv switch
        {
            Precision.Fp32 or Precision.Fp16 or Precision.Bf16 => null,
            Precision.Fp8 when engine == Engine.Lmdeploy => "LMDeploy quantizes the KV cache to int8 or int4 (quant_policy 8/4), not fp8",
            Precision.Fp8 when engine == Engine.Trtllm && family == Family.Ampere => $"TensorRT-LLM's FP8 KV cache needs FP8 hardware (Ada or newer); {gpu.Id} is Ampere",
            Precision.Fp8 => null,
            Precision.Fp4 when family != Family.Blackwell => $"an fp4 KV cache needs Blackwell: no engine supports one on {gpu.Id} ({gpu.Architecture}); use fp8",
            Precision.Fp4 when engine == Engine.Lmdeploy => "LMDeploy has no fp4 KV cache (quant_policy 8/4 are int8/int4)",
            Precision.Fp4 when engine == Engine.Vllm && !IsSm100(gpu) => $"vLLM's nvfp4 KV cache runs only on the SM100 trtllm-gen path (B200/GB200); {gpu.Id} is a consumer/workstation Blackwell (SM120)",
            Precision.Fp4 => null,
            Precision.Int8 or Precision.Int4 when engine is Engine.Sglang or Engine.Trtllm =>
                $"{name} has no {EnumText.Of(kv)} KV cache (vLLM's per-token-head and LMDeploy's quant_policy formats do)",
            Precision.Int8 or Precision.Int4 when amd => $"vLLM's {EnumText.Of(kv)} per-token-head KV cache is CUDA-only; {gpu.Id} is an AMD GPU",
            Precision.Int8 or Precision.Int4 => null,
            _ => throw new ArgumentOutOfRangeException(nameof(kv), kv, null),
        };
    }

    /// <summary>Whether any engine keeps a KV cache in <paramref name="kv"/> on <paramref name="gpu"/>.</summary>
    public static bool AnyEngineRunsKvCache(GpuSpec gpu, Precision kv) => Engines(e => KvCacheProblem(gpu, e, kv) is null);

    /// <summary>Whether <paramref name="engine"/> loads a checkpoint whose config declares <paramref name="quantMethod"/> (null = 16-bit).</summary>
    /// <remarks>vLLM reads every method the catalog names (fp8, compressed-tensors, modelopt, mxfp4, awq, gptq, quark:
    /// vllm/model_executor/layers/quantization QUANTIZATION_METHODS); SGLang all but AMD's quark format; TensorRT-LLM's PyTorch
    /// backend loads ModelOpt exports, Hugging Face fine-grained FP8 (DeepSeek, Qwen3) and gpt-oss MXFP4 (features/quantization.html:
    /// "directly run pre-quantized models generated with the NVIDIA Model Optimizer"); LMDeploy loads AWQ/GPTQ int4.</remarks>
    public static bool Loads(Engine engine, string? quantMethod) => quantMethod is null || engine switch
    {
        Engine.Vllm or Engine.Generic => true,
        Engine.Sglang => quantMethod != "quark",
        Engine.Trtllm => quantMethod is "modelopt" or "fp8" or "mxfp4",
        Engine.Lmdeploy => quantMethod is "awq" or "gptq",
        _ => false,
    };

    /// <summary>Why no checkpoint of <paramref name="model"/> can be served at <paramref name="weights"/>; null when one can.</summary>
    /// <remarks>A checkpoint that ships its experts in MXFP4 (gpt-oss) is served as shipped: no engine requantizes an MXFP4
    /// checkpoint online, and no fp8, int8 or int4 release exists, so only its 16-bit and fp4 readings are plans.</remarks>
    public static string? ModelProblem(ModelArchitecture model, Precision weights)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.NativeExpertPrecision == Precision.Fp4 && !(weights.IsSixteenBitOrWider() || weights == Precision.Fp4)
            ? $"this model ships its experts in MXFP4 and is served as shipped: {EnumText.Of(weights)} would mean requantizing the MXFP4 checkpoint, which no engine does online"
            : null;
    }

    /// <summary>How an estimate reads fp8 weights of a model whose experts ship in MXFP4 (gpt-oss); null for any other pair.</summary>
    /// <remarks>Published benchmarks label such runs "FP8" for their FP8 activations and attention while the experts stay the
    /// shipped MXFP4 (TensorRT-LLM perf-overview gpt-oss tables): the estimate keeps the experts MXFP4 and puts the other
    /// linears in FP8, and says so. Recommendations still plan only the shipped readings (<see cref="ModelProblem"/>).</remarks>
    public static string? ShippedReading(ModelArchitecture model, Precision weights)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.NativeExpertPrecision == Precision.Fp4 && weights == Precision.Fp8
            ? "this model ships its experts in MXFP4: fp8 is read as that checkpoint with FP8 attention and dense linears (the experts stay MXFP4); no engine requantizes the experts to FP8"
            : null;
    }

    /// <summary>The format a plan at <paramref name="weights"/> is assumed to use when no catalog checkpoint names one.</summary>
    /// <remarks>fp4 is NVFP4 (the format NVIDIA's and llm-compressor's FP4 releases use) except for a model whose experts ship
    /// in MXFP4; fp8 is per-channel (vLLM/SGLang online quantization and llm-compressor FP8_DYNAMIC).</remarks>
    public static WeightFormat AssumedFormat(ModelArchitecture model, Precision weights)
    {
        ArgumentNullException.ThrowIfNull(model);
        return weights switch
        {
            Precision.Fp32 => WeightFormat.Fp32,
            Precision.Fp16 => WeightFormat.Fp16,
            Precision.Bf16 => WeightFormat.Bf16,
            Precision.Fp8 => WeightFormat.Fp8,
            Precision.Int8 => WeightFormat.Int8,
            Precision.Int4 => WeightFormat.Int4,
            Precision.Fp4 => model.NativeExpertPrecision == Precision.Fp4 ? WeightFormat.Mxfp4 : WeightFormat.Nvfp4,
            _ => throw new ArgumentOutOfRangeException(nameof(weights), weights, null),
        };
    }

    /// <summary>Everything that stops <paramref name="engine"/> serving this model at these formats on <paramref name="gpu"/>.</summary>
    public static IReadOnlyList<string> Problems(ModelArchitecture model, GpuSpec gpu, Engine engine, Precision weights, WeightFormat format, Precision kv)
    {
        var problems = new List<string>(2);
        if (ModelProblem(model, weights) is { } modelProblem)
        {
            problems.Add(modelProblem);
        }
        else if (WeightProblem(gpu, engine, format) is { } weightProblem)
        {
            problems.Add(weightProblem);
        }

        if (KvCacheProblem(gpu, engine, kv) is { } kvProblem)
        {
            problems.Add(kvProblem);
        }

        return problems;
    }

    private static string? Mxfp4Problem(GpuSpec gpu, Engine engine, Family family)
    {
        var runs = engine switch
        {
            Engine.Vllm => family is Family.Ampere or Family.Hopper or Family.Blackwell or Family.Cdna3,
            Engine.Sglang => family is Family.Ampere or Family.Hopper or Family.Blackwell or Family.Cdna3,
            Engine.Trtllm => family is Family.Hopper or Family.Blackwell,
            _ => false,
        };
        return runs ? null : $"{Name(engine)} has no MXFP4 path on {gpu.Id} ({gpu.Architecture})";
    }

    /// <summary>SM100 Blackwell (B200, GB200): the NVLink parts in the catalog; RTX 5090 and RTX PRO 6000 are SM120 without NVLink.</summary>
    private static bool IsSm100(GpuSpec gpu) => FamilyOf(gpu) == Family.Blackwell && gpu.Interconnect.ScaleUp == "nvlink";

    private static bool Engines(Func<Engine, bool> runs) => Array.Exists(NamedEngines, e => runs(e));

    private static string Name(Engine engine) => engine switch
    {
        Engine.Vllm => "vLLM",
        Engine.Sglang => "SGLang",
        Engine.Trtllm => "TensorRT-LLM",
        Engine.Lmdeploy => "LMDeploy",
        _ => "the engine",
    };

    private static string Text(WeightFormat format) => EnumText.Of(format);
}
