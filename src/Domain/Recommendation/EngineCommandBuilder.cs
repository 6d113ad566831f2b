using System.Globalization;
using System.Text;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using static Sizing.Domain.Recommendation.RecommendationSearch;

namespace Sizing.Domain.Recommendation;

/// <summary>Launch commands for one replica of a plan in vLLM, SGLang and TensorRT-LLM.</summary>
/// <remarks>
/// Flags as the engines document them: vLLM engine args (<c>--tensor-parallel-size</c>, <c>--pipeline-parallel-size</c>,
/// <c>--enable-expert-parallel</c>, <c>--gpu-memory-utilization</c>, <c>--max-model-len</c>, <c>--kv-cache-dtype</c>,
/// <c>--quantization</c>); SGLang server args (<c>--tp</c>, <c>--pp-size</c>, <c>--ep-size</c>, <c>--mem-fraction-static</c>,
/// <c>--context-length</c>, <c>--kv-cache-dtype fp8_e5m2</c>, <c>--quantization</c>); trtllm-serve (<c>--tp_size</c>,
/// <c>--pp_size</c>, <c>--ep_size</c>, <c>--max_seq_len</c>, <c>--max_batch_size</c>, <c>--kv_cache_free_gpu_memory_fraction</c>).
/// </remarks>
internal static class EngineCommandBuilder
{
    public static EngineCommands For(RecommendationInput input, Candidate c)
    {
        var layout = c.Layout;
        var p = layout.Parallelism;
        var model = input.HfId ?? "<model-path>";
        var length = input.InputTokens + input.OutputTokens;
        var weights = layout.Weights;
        var kvFp8 = layout.KvCache == Precision.Fp8;
        var utilization = input.GpuMemoryUtilization;
        var notes = new List<string>();

        var vllm = new StringBuilder("vllm serve ").Append(model)
            .Append(Invariant($" --tensor-parallel-size {p.Tensor} --pipeline-parallel-size {p.Pipeline}"));
        if (p.Expert > 1)
        {
            vllm.Append(" --enable-expert-parallel");
        }

        vllm.Append(Invariant($" --gpu-memory-utilization {Format(utilization ?? MemoryEstimator.DefaultUtilization)} --max-model-len {length}"));
        // vLLM's max_num_seqs defaults to 256 (1024 on ≥ 70 GiB GPUs other than A100; engine/arg_utils.py): raise it, up to
        // that 1024, when the KV pool holds more sequences, or the scheduler caps the concurrency the plan counts on.
        if (c.Layout.MaxConcurrency > 256)
        {
            vllm.Append(Invariant($" --max-num-seqs {Math.Min(c.Layout.MaxConcurrency, 1024)}"));
        }

        var sglang = new StringBuilder("python -m sglang.launch_server --model-path ").Append(model).Append(Invariant($" --tp {p.Tensor}"));
        if (p.Pipeline > 1)
        {
            sglang.Append(Invariant($" --pp-size {p.Pipeline}"));
        }

        if (p.Expert > 1)
        {
            sglang.Append(Invariant($" --ep-size {p.Expert}"));
        }

        sglang.Append(Invariant($" --mem-fraction-static {Format(utilization ?? MemoryAssumptions.Default.SglangDefaultMemFractionStatic)} --context-length {length}"));

        var trtllm = new StringBuilder("trtllm-serve ").Append(model).Append(Invariant($" --tp_size {p.Tensor} --pp_size {p.Pipeline}"));
        if (p.Expert > 1)
        {
            trtllm.Append(Invariant($" --ep_size {p.Expert}"));
        }

        trtllm.Append(Invariant($" --max_seq_len {length} --max_batch_size {Math.Max(8, c.Layout.MaxConcurrency)} --kv_cache_free_gpu_memory_fraction {Format(utilization ?? MemoryEstimator.DefaultUtilization)}"));

        if (kvFp8)
        {
            vllm.Append(" --kv-cache-dtype fp8");
            sglang.Append(" --kv-cache-dtype fp8_e5m2");
        }

        switch (weights)
        {
            case Precision.Fp8:
                vllm.Append(" --quantization fp8");
                sglang.Append(" --quantization fp8");
                notes.Add("fp8: vLLM and SGLang quantize the 16-bit checkpoint at load (--quantization fp8); TensorRT-LLM needs an FP8 checkpoint (TensorRT Model Optimizer), which also carries its FP8 KV cache");
                break;
            case Precision.Fp16:
                vllm.Append(" --dtype float16");
                sglang.Append(" --dtype float16");
                break;
            case Precision.Fp32:
                vllm.Append(" --dtype float32");
                sglang.Append(" --dtype float32");
                break;
            case Precision.Int8 or Precision.Int4 or Precision.Fp4:
                notes.Add(Invariant($"{EnumName(weights)}: serve a checkpoint already quantized to {(weights == Precision.Int4 ? "AWQ/GPTQ int4" : weights == Precision.Fp4 ? "NVFP4" : "W8A8 int8")} in place of {model}; every engine reads the format from its config, so no --quantization flag is needed"));
                break;
            default:
                break;
        }

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
        return new EngineCommands(vllm.ToString(), sglang.ToString(), trtllm.ToString(), notes);
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
