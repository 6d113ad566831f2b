using System.Globalization;
using System.Text;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Moe;
using Sizing.Domain.Speculative;
using static Sizing.Domain.InvariantText;
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
/// <para>DP attention and wide EP (docs/moe-parallelism.md §1): SGLang <c>--tp {TP×DP} --dp {DP} --enable-dp-attention
/// --ep-size {EP}</c>, <c>--moe-a2a-backend deepep</c>, <c>--enable-eplb --ep-num-redundant-experts</c>, <c>--nnodes
/// --node-rank --dist-init-addr</c> (docs/advanced_features/pd_disaggregation.md); vLLM <c>--data-parallel-size</c> with
/// <c>--enable-expert-parallel</c>, <c>--all2all-backend deepep_low_latency|deepep_high_throughput</c>, <c>--enable-eplb
/// --eplb-config</c> (docs serving/expert_parallel_deployment), <c>--data-parallel-size-local --data-parallel-address
/// --data-parallel-rpc-port</c> across nodes (vllm-project/recipes); TensorRT-LLM <c>enable_attention_dp: true</c> in the
/// options YAML with <c>--tp_size {DP} --ep_size {EP}</c>. Prefill/decode pools: SGLang <c>--disaggregation-mode
/// prefill|decode</c> behind <c>sglang_router.launch_router --pd-disaggregation</c>; vLLM's NixlConnector
/// (<c>--kv-transfer-config</c>) behind <c>vllm-router --vllm-pd-disaggregation</c>; TensorRT-LLM context and generation
/// servers with <c>cache_transceiver_config</c> behind <c>trtllm-serve disaggregated</c> (docs/source/features/disagg-serving.md).
/// MTP: vLLM <c>--speculative-config {"method":"mtp",...}</c>, SGLang <c>--speculative-algorithm EAGLE</c> with its step and
/// draft-token counts, TensorRT-LLM <c>speculative_config: decoding_type: MTP</c>.</para>
/// </remarks>
internal static class EngineCommandBuilder
{
    private const string ExtraOptionsFile = "extra-llm-api.yaml";
    private const string DisaggregatedConfigFile = "disagg.yaml";
    private const int PrefillPort = 30000;
    private const int DecodePort = 30001;
    private const int RouterPort = 8000;

    /// <summary>What an instance does: everything, or one phase of a split deployment.</summary>
    private enum Role
    {
        Aggregated,
        Prefill,
        Decode,
    }

    /// <summary>Everything one instance's command is built from.</summary>
    private sealed record Launch(RecommendationInput Input, LayoutEvaluation Layout, Role Role, SpeculativeConfiguration? Speculative,
        string Model, bool OnlineFp8, string? Dtype, Precision KvCache);

    public static EngineCommands For(RecommendationInput input, Candidate c)
    {
        var layout = c.Layout;
        var notes = new List<string>();
        if (c.Split is { } split)
        {
            return Split(input, split, notes);
        }

        var speculative = layout.Speculative;
        var vllm = Command(input, layout, Role.Aggregated, speculative, Engine.Vllm, notes);
        var sglang = Command(input, layout, Role.Aggregated, speculative, Engine.Sglang, notes);
        var trtllm = Command(input, layout, Role.Aggregated, speculative, Engine.Trtllm, notes);
        var p = layout.Parallelism;
        MultiNodeNote(layout, notes);
        EplbNote(layout, notes);
        if (c.Replicas > 1)
        {
            notes.Add(Invariant($"each command starts one replica of {p.GpusPerReplica} GPU{(p.GpusPerReplica == 1 ? "" : "s")}; run {c.Replicas} of them behind a load balancer"));
        }

        notes.Add(Invariant($"the figures are for {EnumName(input.Engine)}; --max-model-len/--context-length/--max_seq_len = {input.InputTokens} + {input.OutputTokens} tokens, raise it if requests can be longer (the KV headroom shrinks accordingly)"));
        return new EngineCommands(vllm, sglang, trtllm, notes);
    }

    /// <summary>A split plan: per engine, a prefill instance, a decode instance and the router in front, one line each.</summary>
    private static EngineCommands Split(RecommendationInput input, DisaggregatedChoice split, List<string> notes)
    {
        string? Lines(Engine engine)
        {
            var prefill = Command(input, split.Prefill, Role.Prefill, null, engine, notes);
            var decode = Command(input, split.Decode, Role.Decode, split.Speculative, engine, notes);
            return prefill is null || decode is null ? null : string.Join('\n', prefill, decode, Router(engine, split));
        }

        var commands = new EngineCommands(Lines(Engine.Vllm), Lines(Engine.Sglang), Lines(Engine.Trtllm), notes);
        MultiNodeNote(split.Prefill, notes);
        MultiNodeNote(split.Decode, notes);
        EplbNote(split.Prefill, notes);
        EplbNote(split.Decode, notes);
        notes.Add(Invariant($"line 1 starts one prefill instance ({split.Prefill.Parallelism.GpusPerReplica} GPUs; run {split.PrefillInstances}), line 2 one decode instance ({split.Decode.Parallelism.GpusPerReplica} GPUs; run {split.DecodeInstances}), line 3 the router: list every instance's URL with one --prefill/--decode each (TensorRT-LLM: under urls in disagg.yaml); the KV cache moves over {EnumText.Of(split.Link)} (NIXL/Mooncake need GPUDirect RDMA)"));
        notes.Add(Invariant($"the figures are for {EnumName(input.Engine)}; --max-model-len/--context-length/--max_seq_len = {input.InputTokens} + {input.OutputTokens} tokens"));
        return commands;
    }

    private static string Router(Engine engine, DisaggregatedChoice split) => engine switch
    {
        Engine.Vllm => Invariant($"vllm-router --policy round_robin --vllm-pd-disaggregation --prefill http://<prefill-host>:{PrefillPort} --decode http://<decode-host>:{DecodePort} --host 0.0.0.0 --port {RouterPort} --kv-connector nixl"),
        Engine.Sglang => Invariant($"python -m sglang_router.launch_router --pd-disaggregation --prefill http://<prefill-host>:{PrefillPort} --decode http://<decode-host>:{DecodePort} --host 0.0.0.0 --port {RouterPort}"),
        _ => "printf '%s\\n' " + string.Join(' ', new[]
            {
                "hostname: 0.0.0.0", Invariant($"port: {RouterPort}"), "backend: pytorch", "context_servers:",
                Invariant($"  num_instances: {split.PrefillInstances}"), "  urls:", Invariant($"    - <prefill-host>:{PrefillPort}"), "generation_servers:",
                Invariant($"  num_instances: {split.DecodeInstances}"), "  urls:", Invariant($"    - <decode-host>:{DecodePort}"),
            }.Select(line => "'" + line + "'")) + " > " + DisaggregatedConfigFile + " && trtllm-serve disaggregated --config_file " + DisaggregatedConfigFile,
    };

    /// <summary>TensorRT-LLM takes its EPLB slots from a load-balancer file the command does not write.</summary>
    private static void EplbNote(LayoutEvaluation layout, List<string> notes)
    {
        var p = layout.Parallelism;
        if (p.RedundantExperts > 0 && layout.Input.Memory.Model.Moe is { } moe)
        {
            AddOnce(notes, Invariant($"TensorRT-LLM: the figures assume EPLB with {moe.Experts + p.RedundantExperts} expert slots on EP {p.Expert}; give its moe_config a load_balancer with num_slots: {moe.Experts + p.RedundantExperts} (examples/wide_ep) — the command above leaves the slots at {moe.Experts}"));
        }
    }

    private static void MultiNodeNote(LayoutEvaluation layout, List<string> notes)
    {
        var p = layout.Parallelism;
        if (p.GpusPerReplica <= layout.Hardware.GpusPerNode)
        {
            return;
        }

        var nodes = (p.GpusPerReplica + layout.Hardware.GpusPerNode - 1) / layout.Hardware.GpusPerNode;
        AddOnce(notes, p.DataParallelAttention
            ? Invariant($"one instance of {p.GpusPerReplica} GPUs spans {nodes} nodes: the command shown is node 0's; on node i SGLang takes --node-rank i, vLLM adds --headless --data-parallel-start-rank {RanksPerNode(layout)}·i, TensorRT-LLM runs under mpirun/srun with {p.GpusPerReplica} ranks")
            : Invariant($"one replica spans {nodes} nodes: start vLLM on a Ray cluster of those nodes, SGLang with --nnodes {nodes} --node-rank <i> --dist-init-addr <head:port>, TensorRT-LLM under mpirun/srun with {p.GpusPerReplica} ranks"));
    }

    /// <summary>DP-attention ranks per node (vLLM --data-parallel-size-local).</summary>
    private static int RanksPerNode(LayoutEvaluation layout) => Math.Max(1, layout.Hardware.GpusPerNode / layout.Parallelism.Tensor);

    /// <summary>The engine's command for one instance of <paramref name="layout"/>, or null (with a note saying why) when the
    /// engine cannot run it.</summary>
    private static string? Command(RecommendationInput input, LayoutEvaluation layout, Role role, SpeculativeConfiguration? speculative, Engine engine, List<string> notes)
    {
        var gpu = layout.Hardware.Gpu;
        var weights = layout.Weights;
        var kv = layout.KvCache;
        var choice = CheckpointChoice.For(input.Model, input.Checkpoints, gpu, engine, weights);
        var problems = PrecisionSupport.Problems(input.Model, gpu, engine, weights, choice.Format, kv).ToList();
        problems.AddRange(ParallelismRules.Check(input.Model, layout.Parallelism, engine));
        if (problems.Count > 0)
        {
            AddOnce(notes, $"{Label(engine)}: no command — {string.Join("; ", problems)}");
            return null;
        }

        var (model, online) = ModelArgument(input, choice, engine, weights, notes);
        var dtype = DtypeFor(weights, choice.Checkpoint);
        var launch = new Launch(input, layout, role, speculative, model, online, dtype, kv);
        return engine switch
        {
            Engine.Vllm => Vllm(launch),
            Engine.Sglang => Sglang(launch),
            _ => Trtllm(launch),
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

    private static string Vllm(Launch l)
    {
        var input = l.Input;
        var p = l.Layout.Parallelism;
        var command = new StringBuilder("vllm serve ").Append(l.Model)
            .Append(Invariant($" --tensor-parallel-size {p.Tensor} --pipeline-parallel-size {p.Pipeline}"));
        if (p.DataParallelAttention)
        {
            command.Append(Invariant($" --data-parallel-size {p.AttentionData}"));
            if (p.GpusPerReplica > l.Layout.Hardware.GpusPerNode)
            {
                command.Append(Invariant($" --data-parallel-size-local {RanksPerNode(l.Layout)} --data-parallel-address <head-ip> --data-parallel-rpc-port 13345"));
            }
        }

        if (p.Expert > 1)
        {
            command.Append(" --enable-expert-parallel");
        }

        if (l.Layout.Input.MoeExchange == MoeExchange.DeepEp && p.DataParallelAttention)
        {
            command.Append(" --all2all-backend ").Append(l.Role == Role.Prefill ? "deepep_high_throughput" : "deepep_low_latency");
        }

        if (p.RedundantExperts > 0)
        {
            command.Append(Invariant($" --enable-eplb --eplb-config '{{\"num_redundant_experts\":{p.RedundantExperts}}}'"));
        }

        command.Append(Invariant($" --gpu-memory-utilization {Format(input.GpuMemoryUtilization ?? MemoryEstimator.DefaultUtilization)} --max-model-len {input.InputTokens + input.OutputTokens}"));

        // vLLM's scheduler runs at most max_num_seqs per rank (EngineMemoryRules.Scheduler: 256, or 1024 on large GPUs from
        // 0.9.0); raise it where the plan counts on more (a plan sized for another engine's limit or a larger KV pool).
        var memory = l.Layout.Input.Memory;
        var perRank = (l.Layout.MaxConcurrency + p.AttentionData - 1) / p.AttentionData;
        var vllmSeqs = EngineMemoryRules.For(Engine.Vllm, memory.Engine == Engine.Vllm ? memory.EngineVersion : null)
            .Scheduler(memory.Gpu, memory.MaxModelLength, null).MaxNumSeqs;
        if (perRank > vllmSeqs)
        {
            command.Append(Invariant($" --max-num-seqs {perRank}"));
        }

        Append(command, "--dtype", l.Dtype);
        Append(command, "--quantization", l.OnlineFp8 ? "fp8" : null);
        Append(command, "--kv-cache-dtype", KvCacheDtype(Engine.Vllm, l.KvCache));
        if (l.Speculative is { } speculative)
        {
            command.Append(Invariant($" --speculative-config '{{\"method\":\"mtp\",\"num_speculative_tokens\":{speculative.DraftTokens}}}'"));
        }

        if (l.Role != Role.Aggregated)
        {
            command.Append(Invariant($" --port {(l.Role == Role.Prefill ? PrefillPort : DecodePort)} --kv-transfer-config '{{\"kv_connector\":\"NixlConnector\",\"kv_role\":\"kv_both\"}}'"));
        }

        return command.ToString();
    }

    private static string Sglang(Launch l)
    {
        var input = l.Input;
        var p = l.Layout.Parallelism;
        var command = new StringBuilder("python -m sglang.launch_server --model-path ").Append(l.Model).Append(Invariant($" --tp {p.Tensor * p.AttentionData}"));
        if (p.DataParallelAttention)
        {
            command.Append(Invariant($" --dp {p.AttentionData} --enable-dp-attention"));
        }

        if (p.Pipeline > 1)
        {
            command.Append(Invariant($" --pp-size {p.Pipeline}"));
        }

        if (p.Expert > 1)
        {
            command.Append(Invariant($" --ep-size {p.Expert}"));
        }

        if (l.Layout.Input.MoeExchange == MoeExchange.DeepEp && p.DataParallelAttention)
        {
            command.Append(" --moe-a2a-backend deepep");
        }

        if (p.RedundantExperts > 0)
        {
            command.Append(Invariant($" --enable-eplb --ep-num-redundant-experts {p.RedundantExperts}"));
        }

        if (p.DataParallelAttention && p.GpusPerReplica > l.Layout.Hardware.GpusPerNode)
        {
            var nodes = (p.GpusPerReplica + l.Layout.Hardware.GpusPerNode - 1) / l.Layout.Hardware.GpusPerNode;
            command.Append(Invariant($" --nnodes {nodes} --node-rank 0 --dist-init-addr <head-ip>:5000"));
        }

        command.Append(Invariant($" --mem-fraction-static {Format(input.GpuMemoryUtilization ?? MemoryAssumptions.Default.SglangDefaultMemFractionStatic)} --context-length {input.InputTokens + input.OutputTokens}"));
        Append(command, "--dtype", l.Dtype);
        Append(command, "--quantization", l.OnlineFp8 ? "fp8" : null);
        Append(command, "--kv-cache-dtype", KvCacheDtype(Engine.Sglang, l.KvCache));
        if (l.Speculative is { } speculative)
        {
            // SGLang drafts DeepSeek's MTP module through its EAGLE path: k steps of one token, k + 1 tokens to verify.
            command.Append(Invariant($" --speculative-algorithm EAGLE --speculative-num-steps {speculative.DraftTokens} --speculative-eagle-topk 1 --speculative-num-draft-tokens {speculative.DraftTokens + 1}"));
        }

        if (l.Role != Role.Aggregated)
        {
            command.Append(Invariant($" --disaggregation-mode {(l.Role == Role.Prefill ? "prefill" : "decode")} --port {(l.Role == Role.Prefill ? PrefillPort : DecodePort)}"));
        }

        return command.ToString();
    }

    private static string Trtllm(Launch l)
    {
        var input = l.Input;
        var p = l.Layout.Parallelism;
        var command = new StringBuilder("trtllm-serve ").Append(l.Model).Append(Invariant($" --tp_size {p.Tensor * p.AttentionData} --pp_size {p.Pipeline}"));
        if (p.Expert > 1)
        {
            command.Append(Invariant($" --ep_size {p.Expert}"));
        }

        command.Append(Invariant($" --max_seq_len {input.InputTokens + input.OutputTokens} --max_batch_size {Math.Max(8, (l.Layout.MaxConcurrency + p.AttentionData - 1) / p.AttentionData)} --kv_cache_free_gpu_memory_fraction {Format(input.GpuMemoryUtilization ?? MemoryEstimator.DefaultUtilization)}"));
        if (l.Role != Role.Aggregated)
        {
            command.Append(Invariant($" --port {(l.Role == Role.Prefill ? PrefillPort : DecodePort)}"));
        }

        // The KV-cache and compute dtypes, DP attention, MTP and the KV hand-over have no trtllm-serve flag: they go in the LLM API
        // options YAML.
        var yaml = new List<string>();
        if (l.Dtype is not null)
        {
            yaml.Add("dtype: " + l.Dtype);
        }

        if (p.DataParallelAttention)
        {
            yaml.Add("enable_attention_dp: true");
        }

        if (KvCacheDtype(Engine.Trtllm, l.KvCache) is { } kvDtype)
        {
            yaml.Add("kv_cache_config:");
            yaml.Add("  dtype: " + kvDtype);
        }

        if (l.Speculative is { } speculative)
        {
            yaml.Add("speculative_config:");
            yaml.Add("  decoding_type: MTP");
            yaml.Add(Invariant($"  num_nextn_predict_layers: {speculative.DraftTokens}"));
        }

        if (l.Role != Role.Aggregated)
        {
            // Context servers do not run the overlap scheduler in disaggregated mode (disagg-serving.md).
            if (l.Role == Role.Prefill)
            {
                yaml.Add("disable_overlap_scheduler: true");
            }

            yaml.Add("cache_transceiver_config:");
            yaml.Add("  backend: UCX");
            yaml.Add(Invariant($"  max_tokens_in_buffer: {input.InputTokens + input.OutputTokens}"));
        }

        if (yaml.Count == 0)
        {
            return command.ToString();
        }

        var file = l.Role switch { Role.Prefill => "ctx-" + ExtraOptionsFile, Role.Decode => "gen-" + ExtraOptionsFile, _ => ExtraOptionsFile };
        command.Append(" --extra_llm_api_options ").Append(file);
        return "printf '%s\\n' " + string.Join(' ', yaml.Select(line => "'" + line + "'")) + " > " + file + " && " + command;
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
