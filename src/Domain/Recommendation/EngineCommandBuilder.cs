using System.Globalization;
using System.Text;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using static Sizing.Domain.Recommendation.RecommendationSearch;

namespace Sizing.Domain.Recommendation;

/// <summary>Launch commands for one replica of a plan in vLLM, SGLang and TensorRT-LLM.</summary>
/// <remarks>
/// <para>Flags as the engines define them: vLLM <c>vllm serve</c> engine args (vllm/engine/arg_utils.py: --tensor-parallel-size,
/// --pipeline-parallel-size, --enable-expert-parallel, --gpu-memory-utilization, --max-model-len, --max-num-seqs, --dtype,
/// --quantization, --kv-cache-dtype with vllm/config/cache.py CacheDType); SGLang server args (--tp, --pp-size, --ep-size,
/// --mem-fraction-static, --context-length, --dtype, --quantization, --kv-cache-dtype fp8_e4m3 | fp4_e2m1); trtllm-serve
/// (tensorrt_llm/commands/serve.py: --tp_size, --pp_size, --ep_size, --max_seq_len, --max_batch_size,
/// --kv_cache_free_gpu_memory_fraction, --extra_llm_api_options with kv_cache_config.dtype and dtype in the YAML).</para>
/// <para>Each command names the catalog checkpoint for the plan's precision. vLLM and SGLang read the quantization from the
/// checkpoint's config, so <c>--quantization</c> appears only for online FP8 quantization of a 16-bit checkpoint ("--quantization
/// fp8 on a fp16 checkpoint or directly load a fp8 checkpoint without specifying any arguments", SGLang server arguments; vLLM
/// docs quantization/fp8 "dynamic quantization"). Where no checkpoint exists the command points at the one the user must make,
/// and a note says with which tool.</para>
/// </remarks>
internal static class EngineCommandBuilder
{
    private const string ExtraOptionsFile = "extra-llm-api.yaml";

    public static EngineCommands For(RecommendationInput input, Candidate c)
    {
        var layout = c.Layout;
        var notes = new List<string>();
        var vllm = Command(input, c, Engine.Vllm, notes);
        var sglang = Command(input, c, Engine.Sglang, notes);
        var trtllm = Command(input, c, Engine.Trtllm, notes);
        var p = layout.Parallelism;
        if (p.GpusPerReplica > layout.Hardware.GpusPerNode)
        {
            var nodes = (p.GpusPerReplica + layout.Hardware.GpusPerNode - 1) / layout.Hardware.GpusPerNode;
            notes.Add(Invariant($"one replica spans {nodes} nodes: start vLLM on a Ray cluster of those nodes, SGLang with --nnodes {nodes} --node-rank <i> --dist-init-addr <head:port>, TensorRT-LLM under mpirun/srun with {p.GpusPerReplica} ranks"));
        }

        if (c.Replicas > 1)
        {
            notes.Add(Invariant($"each command starts one replica of {p.GpusPerReplica} GPU{(p.GpusPerReplica == 1 ? "" : "s")}; run {c.Replicas} of them behind a load balancer"));
        }

        notes.Add(Invariant($"the figures are for {EnumName(input.Engine)}; --max-model-len/--context-length/--max_seq_len = {input.InputTokens} + {input.OutputTokens} tokens, raise it if requests can be longer (the KV headroom shrinks accordingly)"));
        return new EngineCommands(vllm, sglang, trtllm, notes);
    }

    /// <summary>The engine's command for this plan, or null (with a note saying why) when the engine cannot run it.</summary>
    private static string? Command(RecommendationInput input, Candidate c, Engine engine, List<string> notes)
    {
        var layout = c.Layout;
        var gpu = layout.Hardware.Gpu;
        var weights = layout.Weights;
        var kv = layout.KvCache;
        var choice = CheckpointChoice.For(input.Model, input.Checkpoints, gpu, engine, weights);
        var problems = PrecisionSupport.Problems(input.Model, gpu, engine, weights, choice.Format, kv);
        if (problems.Count > 0)
        {
            notes.Add($"{Label(engine)}: no command — {string.Join("; ", problems)}");
            return null;
        }

        var (model, online) = ModelArgument(input, choice, engine, weights, notes);
        var dtype = DtypeFor(weights, choice.Checkpoint);
        return engine switch
        {
            Engine.Vllm => Vllm(input, c, model, online, dtype, kv),
            Engine.Sglang => Sglang(input, c, model, online, dtype, kv),
            _ => Trtllm(input, c, model, dtype, kv),
        };
    }

    /// <summary>What the command serves: the catalog checkpoint, the 16-bit repository (quantized online for vLLM/SGLang FP8),
    /// or the local path of a checkpoint the user must produce.</summary>
    private static (string Model, bool OnlineFp8) ModelArgument(RecommendationInput input, CheckpointChoice choice, Engine engine, Precision weights, List<string> notes)
    {
        if (choice.Checkpoint is { } checkpoint)
        {
            return (checkpoint.Repository, false);
        }

        var sixteenBit = SixteenBitRepository(input);
        if (weights.IsSixteenBitOrWider() && sixteenBit is not null)
        {
            return (sixteenBit, false);
        }

        if (weights == Precision.Fp8 && engine is Engine.Vllm or Engine.Sglang && sixteenBit is not null)
        {
            AddOnce(notes, $"vLLM and SGLang: no FP8 checkpoint of {sixteenBit} is in the catalog, so they quantize it to FP8 at load (--quantization fp8, per-channel weights, dynamic activations)");
            return (sixteenBit, true);
        }

        var source = sixteenBit ?? input.HfId;
        var path = source is null ? "<model-path>" : "./" + source[(source.LastIndexOf('/') + 1)..] + "-" + Suffix(choice.Format);
        AddOnce(notes, Invariant($"{Label(engine)}: no {EnumText.Of(choice.Format)} checkpoint is published for this model; make {path} first: {HowToProduce(choice.Format, engine, source)}"));
        return (path, false);
    }

    /// <summary>The 16-bit repository: the catalog's 16-bit checkpoint, else the model's own repository unless that ships quantized.</summary>
    private static string? SixteenBitRepository(RecommendationInput input)
    {
        foreach (var checkpoint in input.Checkpoints)
        {
            if (checkpoint.Format.IsSixteenBitOrWider())
            {
                return checkpoint.Repository;
            }
        }

        var shipsQuantized = input.HfId is { } id && input.Checkpoints.Any(k => k.Repository == id);
        return shipsQuantized ? null : input.HfId;
    }

    private static string HowToProduce(WeightFormat format, Engine engine, string? source)
    {
        var from = source ?? "the 16-bit checkpoint";
        return format switch
        {
            WeightFormat.Fp8 or WeightFormat.Fp8Block => $"quantize {from} with NVIDIA ModelOpt (examples/llm_ptq/hf_ptq.py --qformat fp8 --kv_cache_qformat fp8), which TensorRT-LLM loads directly",
            WeightFormat.Nvfp4 => $"quantize {from} with NVIDIA ModelOpt (hf_ptq.py --qformat nvfp4){(engine == Engine.Trtllm ? "" : " or llm-compressor's NVFP4 scheme")}",
            WeightFormat.Mxfp4 => $"quantize {from} with AMD Quark (MXFP4 weights) or an MXFP4 export of your own",
            WeightFormat.Int4 => engine == Engine.Trtllm
                ? $"quantize {from} with NVIDIA ModelOpt (hf_ptq.py --qformat int4_awq)"
                : $"quantize {from} to W4A16 with AutoAWQ, GPTQModel or llm-compressor (group size 128)",
            WeightFormat.Int8 => $"quantize {from} to W8A8 INT8 with llm-compressor (SmoothQuant + GPTQ)",
            _ => $"no 16-bit checkpoint is published; dequantize {from} to BF16 (for DeepSeek-V3/R1: inference/fp8_cast_bf16.py in deepseek-ai/DeepSeek-V3)",
        };
    }

    private static string Suffix(WeightFormat format) => format switch
    {
        WeightFormat.Fp8 or WeightFormat.Fp8Block => "FP8",
        WeightFormat.Nvfp4 => "NVFP4",
        WeightFormat.Mxfp4 => "MXFP4",
        WeightFormat.Int4 => "W4A16",
        WeightFormat.Int8 => "W8A8",
        WeightFormat.Fp16 => "FP16",
        WeightFormat.Fp32 => "FP32",
        _ => "BF16",
    };

    /// <summary>The compute dtype to ask for when the plan's 16-bit width differs from the checkpoint's BF16.</summary>
    private static string? DtypeFor(Precision weights, Checkpoint? checkpoint) => weights switch
    {
        Precision.Fp16 when checkpoint is null || checkpoint.Format != WeightFormat.Fp16 => "float16",
        Precision.Fp32 => "float32",
        _ => null,
    };

    private static string Vllm(RecommendationInput input, Candidate c, string model, bool onlineFp8, string? dtype, Precision kv)
    {
        var p = c.Layout.Parallelism;
        var command = new StringBuilder("vllm serve ").Append(model)
            .Append(Invariant($" --tensor-parallel-size {p.Tensor} --pipeline-parallel-size {p.Pipeline}"));
        if (p.Expert > 1)
        {
            command.Append(" --enable-expert-parallel");
        }

        command.Append(Invariant($" --gpu-memory-utilization {Format(input.GpuMemoryUtilization ?? MemoryEstimator.DefaultUtilization)} --max-model-len {input.InputTokens + input.OutputTokens}"));

        // vLLM's max_num_seqs defaults to 256 (1024 on ≥ 70 GiB GPUs other than A100; engine/arg_utils.py): raise it, up to
        // that 1024, when the KV pool holds more sequences, or the scheduler caps the concurrency the plan counts on.
        if (c.Layout.MaxConcurrency > 256)
        {
            command.Append(Invariant($" --max-num-seqs {Math.Min(c.Layout.MaxConcurrency, 1024)}"));
        }

        Append(command, "--dtype", dtype);
        Append(command, "--quantization", onlineFp8 ? "fp8" : null);
        Append(command, "--kv-cache-dtype", KvCacheDtype(Engine.Vllm, kv));
        return command.ToString();
    }

    private static string Sglang(RecommendationInput input, Candidate c, string model, bool onlineFp8, string? dtype, Precision kv)
    {
        var p = c.Layout.Parallelism;
        var command = new StringBuilder("python -m sglang.launch_server --model-path ").Append(model).Append(Invariant($" --tp {p.Tensor}"));
        if (p.Pipeline > 1)
        {
            command.Append(Invariant($" --pp-size {p.Pipeline}"));
        }

        if (p.Expert > 1)
        {
            command.Append(Invariant($" --ep-size {p.Expert}"));
        }

        command.Append(Invariant($" --mem-fraction-static {Format(input.GpuMemoryUtilization ?? MemoryAssumptions.Default.SglangDefaultMemFractionStatic)} --context-length {input.InputTokens + input.OutputTokens}"));
        Append(command, "--dtype", dtype);
        Append(command, "--quantization", onlineFp8 ? "fp8" : null);
        Append(command, "--kv-cache-dtype", KvCacheDtype(Engine.Sglang, kv));
        return command.ToString();
    }

    private static string Trtllm(RecommendationInput input, Candidate c, string model, string? dtype, Precision kv)
    {
        var p = c.Layout.Parallelism;
        var command = new StringBuilder("trtllm-serve ").Append(model).Append(Invariant($" --tp_size {p.Tensor} --pp_size {p.Pipeline}"));
        if (p.Expert > 1)
        {
            command.Append(Invariant($" --ep_size {p.Expert}"));
        }

        command.Append(Invariant($" --max_seq_len {input.InputTokens + input.OutputTokens} --max_batch_size {Math.Max(8, c.Layout.MaxConcurrency)} --kv_cache_free_gpu_memory_fraction {Format(input.GpuMemoryUtilization ?? MemoryEstimator.DefaultUtilization)}"));

        // The KV-cache and compute dtypes have no trtllm-serve flag: they go in the LLM API options YAML.
        var yaml = new List<string>();
        if (dtype is not null)
        {
            yaml.Add("dtype: " + dtype);
        }

        if (KvCacheDtype(Engine.Trtllm, kv) is { } kvDtype)
        {
            yaml.Add("kv_cache_config:");
            yaml.Add("  dtype: " + kvDtype);
        }

        if (yaml.Count == 0)
        {
            return command.ToString();
        }

        command.Append(" --extra_llm_api_options ").Append(ExtraOptionsFile);
        return "printf '%s\\n' " + string.Join(' ', yaml.Select(line => "'" + line + "'")) + " > " + ExtraOptionsFile + " && " + command;
    }

    /// <summary>The engine's name for a KV-cache format other than the model's 16-bit dtype.</summary>
    /// <remarks>vLLM CacheDType fp8 | nvfp4 | int8_per_token_head | int4_per_token_head; SGLang fp8_e4m3 | fp4_e2m1;
    /// TensorRT-LLM KvCacheConfig.dtype fp8 | nvfp4.</remarks>
    internal static string? KvCacheDtype(Engine engine, Precision kv) => (engine, kv) switch
    {
        (Engine.Vllm, Precision.Fp8) => "fp8",
        (Engine.Vllm, Precision.Fp4) => "nvfp4",
        (Engine.Vllm, Precision.Int8) => "int8_per_token_head",
        (Engine.Vllm, Precision.Int4) => "int4_per_token_head",
        (Engine.Sglang, Precision.Fp8) => "fp8_e4m3",
        (Engine.Sglang, Precision.Fp4) => "fp4_e2m1",
        (Engine.Trtllm, Precision.Fp8) => "fp8",
        (Engine.Trtllm, Precision.Fp4) => "nvfp4",
        _ => null,
    };

    private static void Append(StringBuilder command, string flag, string? value)
    {
        if (value is not null)
        {
            command.Append(' ').Append(flag).Append(' ').Append(value);
        }
    }

    private static void AddOnce(List<string> notes, string note)
    {
        if (!notes.Contains(note))
        {
            notes.Add(note);
        }
    }

    private static string Label(Engine engine) => engine switch
    {
        Engine.Vllm => "vLLM",
        Engine.Sglang => "SGLang",
        _ => "TensorRT-LLM",
    };

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
