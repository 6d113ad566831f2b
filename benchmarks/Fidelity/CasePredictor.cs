using System.Text.RegularExpressions;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;
using Sizing.Domain.Units;

namespace Sizing.Fidelity;

/// <summary>A prediction for one case, or why none was made.</summary>
public sealed record Prediction(CaseRow Case, string Family, double? Predicted, string? Refusal)
{
    public double? AbsolutePercentageError => Predicted is { } p ? Math.Abs(p - Case.Value) / Math.Abs(Case.Value) * 100 : null;
}

/// <summary>Predicts each case through the domain services, mapping columns the way calibration/README.md describes.</summary>
public static partial class CasePredictor
{
    public static string FamilyOf(string metric) => metric switch
    {
        "tpot_ms" => "tpot",
        "ttft_ms" => "ttft",
        "e2e_ms" or "batch_e2e_ms" => "e2e",
        "output_tok_s" or "output_tok_s_per_gpu" or "output_tok_s_per_user" => "throughput",
        "collective_us" or "collective_busbw_GBps" => "collective",
        "weights_gib_per_gpu" => "weights",
        "kv_cache_gib_per_gpu" or "kv_capacity_tokens" or "max_concurrency" => "kv",
        "activation_peak_gib" or "peak_torch_gib" or "non_torch_gib" => "activation",
        "matmul_tflops" => "gemm",
        "hbm_bandwidth_GBps" => "membw",
        _ => "other",
    };

    /// <param name="asUser">Send concurrency rows as a user who knows only the API contract would: N clients and continuous
    /// batching, without the run's length (the measured sets outside the repository are scored this way).</param>
    public static Prediction Predict(CaseRow row, HardwareCatalog catalog, PerformanceAssumptions? assumptions = null, bool asUser = false)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(catalog);
        var family = FamilyOf(row.Metric);
        try
        {
            return row.Kind switch
            {
                "collective" => Collective(row, catalog, family),
                "memory" or "serving" => Deployment(row, catalog, family, assumptions, asUser),
                "gemm" => new Prediction(row, family, null, "a GEMM peak is a fact about the GPU (it bounds computeEfficiency), not a deployment prediction"),
                "membw" => new Prediction(row, family, null, "a bandwidth measurement is a fact about the GPU (it bounds hbmEfficiency), not a deployment prediction"),
                _ => new Prediction(row, family, null, $"unknown kind '{row.Kind}'"),
            };
        }
        catch (UnknownIdException e)
        {
            return new Prediction(row, family, null, e.Message);
        }
    }

    private static Prediction Collective(CaseRow row, HardwareCatalog catalog, string family)
    {
        // nccl-tests prints busbw with two decimals: a small message's "0.00" is below the printed precision, not a zero
        // to compare against (its time row carries the measurement).
        if (row.Value == 0)
        {
            return new Prediction(row, family, null, "measured 0.00 as printed: below the source's precision, no percentage error");
        }

        var gpu = Gpu(row, catalog);
        var count = row.Int("gpu_count") ?? 1;
        var topology = Topology(row, gpu, count);
        var operation = EnumText.Find<CollectiveOperation>(row["operation"]) ?? CollectiveOperation.AllReduce;

        // nccl-tests, torch.distributed and the engines' own kernels: anything but the custom kernel runs NCCL.
        var implementation = EnumText.Find<CollectiveImplementation>(row["engine"]) ?? CollectiveImplementation.Nccl;
        var estimate = Collectives.Estimate(
            operation, topology, count, new Bytes(row.Long("message_bytes") ?? 0), implementation, algorithm: ForcedAlgorithm(row));
        return new Prediction(row, family, row.Metric == "collective_us" ? estimate.Time.Microseconds : estimate.BusBandwidth.GBps, null);
    }

    /// <summary>The all-reduce algorithm a run forced with NCCL_ALGO (NVLSTree is NCCL's tree on NVLink-SHARP nodes).</summary>
    private static NcclAlgorithm? ForcedAlgorithm(CaseRow row) => NcclAlgo().Match(row["notes"]) is { Success: true } m
        ? m.Groups[1].Value.ToUpperInvariant() switch
        {
            "RING" => NcclAlgorithm.Ring,
            "TREE" or "NVLSTREE" => NcclAlgorithm.Tree,
            _ => null,
        }
        : null;

    [GeneratedRegex(@"NCCL_ALGO=(\w+)")]
    private static partial Regex NcclAlgo();

    private static Prediction Deployment(CaseRow row, HardwareCatalog catalog, string family, PerformanceAssumptions? assumptions, bool asUser)
    {
        var input = Input(row, catalog, asUser);
        var memory = MemoryEstimator.Estimate(input.Memory);
        double? memoryFigure = row.Metric switch
        {
            "weights_gib_per_gpu" => memory.Weights.GiB,
            "kv_cache_gib_per_gpu" => memory.KvCachePool.GiB,
            "kv_capacity_tokens" => memory.KvCacheCapacityTokens,
            "max_concurrency" => memory.MaxConcurrentSequences,
            "activation_peak_gib" => memory.Activations.GiB,
            "peak_torch_gib" => (memory.Weights + memory.Activations).GiB,
            "non_torch_gib" => memory.NonTorch.GiB,
            _ => null,
        };
        if (memoryFigure is { } figure)
        {
            return new Prediction(row, family, figure, null);
        }

        if (!memory.Fits && row["batching"] != "static")
        {
            return new Prediction(row, family, null, "the model predicts this deployment does not fit: " + string.Join("; ", memory.Reasons));
        }

        var performance = PerformanceEstimator.Estimate(input, memory, assumptions);
        var statistic = row["statistic"];
        double? value = row.Metric switch
        {
            "ttft_ms" => Quantile(performance.Ttft, performance.TtftPercentiles, statistic).Milliseconds,
            "tpot_ms" => Quantile(performance.Tpot, performance.TpotPercentiles, statistic).Milliseconds,
            "e2e_ms" when statistic is "median" or "p50" or "p90" or "p99" =>
                (Quantile(performance.Ttft, performance.TtftPercentiles, statistic) + (Quantile(performance.Tpot, performance.TpotPercentiles, statistic) * Math.Max(0, input.OutputTokens - 1))).Milliseconds,
            "e2e_ms" or "batch_e2e_ms" => performance.E2e.Milliseconds,
            "output_tok_s" => performance.OutputTokensPerSecond,
            "output_tok_s_per_gpu" => performance.OutputTokensPerSecond / input.Memory.Parallelism.GpusPerReplica,
            "output_tok_s_per_user" => performance.OutputTokensPerSecondPerUser,
            _ => null,
        };
        return value is null
            ? new Prediction(row, family, null, $"metric '{row.Metric}' is not predicted")
            : new Prediction(row, family, value, null);
    }

    /// <summary>The estimate behind a row's prediction, spelled out for analysis.</summary>
    public static string Explain(CaseRow row, HardwareCatalog catalog, PerformanceAssumptions? assumptions = null, bool asUser = false)
    {
        ArgumentNullException.ThrowIfNull(row);
        var input = Input(row, catalog, asUser);
        var memory = MemoryEstimator.Estimate(input.Memory);
        var p = PerformanceEstimator.Estimate(input, memory, assumptions);
        var d = p.DecodeStep;
        var f = p.Prefill;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{row.Id} {row.Metric} {row["statistic"]} measured {row.Value} | {input.Arrival} clients={input.Memory.Concurrency} requests={input.Requests} rate={input.RequestsPerSecond}\n" +
            $"  capacity {p.Capacity} running {p.Running:0.#} waiting {p.Waiting:0.#} batched {memory.MaxNumBatchedTokens} maxSeqs {memory.MaxNumSeqs} pool {memory.KvCachePool.GiB:0.##} GiB fits {memory.Fits}\n" +
            $"  TTFT {p.Ttft.Milliseconds:0.##} (p50 {p.TtftPercentiles.P50.Milliseconds:0.##} p90 {p.TtftPercentiles.P90.Milliseconds:0.##} p99 {p.TtftPercentiles.P99.Milliseconds:0.##}) TPOT {p.Tpot.Milliseconds:0.###} (p90 {p.TpotPercentiles.P90.Milliseconds:0.###} p99 {p.TpotPercentiles.P99.Milliseconds:0.###}) E2E {p.E2e.Milliseconds:0.#} tok/s {p.OutputTokensPerSecond:0.#}\n" +
            $"  decode step: kernels {d.Kernels.Milliseconds:0.###} (memory {d.Memory.Milliseconds:0.###} compute {d.Compute.Milliseconds:0.###}) comm {d.Communication.Milliseconds:0.###} floor {d.LayerOverhead.Milliseconds:0.###}\n" +
            $"  prefill step: kernels {f.Kernels.Milliseconds:0.###} (memory {f.Memory.Milliseconds:0.###} compute {f.Compute.Milliseconds:0.###}) comm {f.Communication.Milliseconds:0.###} floor {f.LayerOverhead.Milliseconds:0.###}");
    }

    /// <summary>The figure a row's statistic names: the mean, or a percentile over the run's requests.</summary>
    private static Seconds Quantile(Seconds mean, LatencyPercentiles percentiles, string statistic) => statistic switch
    {
        "median" or "p50" => percentiles.P50,
        "p90" => percentiles.P90,
        "p99" => percentiles.P99,
        _ => mean,
    };

    /// <summary>The estimate request a row describes.</summary>
    public static DeploymentInput Input(CaseRow row, HardwareCatalog catalog, bool asUser = false)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(catalog);
        var model = catalog.FindModel(row["model_id"])?.Architecture ?? throw new UnknownIdException($"unknown model '{row["model_id"]}'");
        var gpu = Gpu(row, catalog);
        // attention_dp=true ("DEP n"): attention data-parallel over the n GPUs, experts over all of them.
        var parallelism = row.Note("attention_dp") == "true"
            ? Parallelism.Layout(1, row.Int("pp") ?? 1, row.Int("ep") ?? 1, row.Int("tp") ?? 1)
            : new Parallelism(row.Int("tp") ?? 1, row.Int("pp") ?? 1, row.Int("ep") ?? 1);
        var weights = EnumText.Find<Precision>(row["weights_precision"]) ?? Precision.Bf16;
        var engine = EngineOf(row);
        var kv = EnumText.Find<Precision>(row["kv_precision"]) ?? KvCacheDefaults.For(engine, weights);
        var input = row.Int("input_tokens") ?? 0;
        var output = row.Int("output_tokens") ?? 0;
        // An engine started without --max-model-len serves the model's whole context (vLLM ModelConfig, SGLang context_len).
        var maxModelLength = (int?)row.NoteNumber("max_model_len")
            ?? (row.Kind == "memory" && input + output == 0 ? model.MaxPositionEmbeddings : Math.Max(1, input + output));
        var sequence = row.Kind == "memory" ? maxModelLength : Math.Max(1, input + output);
        int? concurrency = row["batching"] is "static" or "continuous-concurrency" ? row.Int("concurrency") : null;
        var (arrival, rate, requests) = Load(row, asUser);
        var memory = new MemoryInput(
            model, gpu, parallelism, weights, kv, engine, Math.Max(maxModelLength, sequence), sequence, concurrency,
            row.NoteNumber("mem_fraction_static") ?? row.NoteNumber("gpu_memory_utilization"),
            (int?)row.NoteNumber("max_num_batched_tokens"),
            (int?)row.NoteNumber("max_num_seqs"),
            BlockSize: (int?)row.NoteNumber("block_size") ?? 16,
            EngineVersion: VersionOf(row, engine),
            EnforceEager: string.Equals(row.Note("enforce_eager"), "true", StringComparison.OrdinalIgnoreCase));
        var count = Math.Max(row.Int("gpu_count") ?? parallelism.GpusPerReplica, parallelism.GpusPerReplica);
        return new DeploymentInput(memory, Topology(row, gpu, count), Math.Max(1, input), output,
            BatchingNames.Of(EnumText.Find<BatchingMode>(row["batching"])).Batching, arrival, rate, requests);
    }

    /// <summary>How a row's benchmark sent its requests (calibration/README.md batching values, notes num_prompts= and request_rate=).</summary>
    private static (Arrival Arrival, double? Rate, int? Requests) Load(CaseRow row, bool asUser)
    {
        var requests = asUser && row["batching"] == "continuous-concurrency"
            ? null
            : (int?)row.NoteNumber("num_prompts") ?? (int?)row.NoteNumber("num_requests");
        var (_, arrival, rate, run) = BatchingNames.Resolve(EnumText.Find<BatchingMode>(row["batching"]), null, row.NoteNumber("request_rate"), requests);
        return (arrival, rate, run);
    }

    /// <summary>The engine release a row's notes name (vllm_version= / sglang_version=, or engine_version= on vLLM and SGLang
    /// rows); a vLLM row that says only "V0" ran
    /// the V0 engine; anything else (including "not stated") is the latest, as a caller who names no version gets.</summary>
    public static EngineVersion? VersionOf(CaseRow row, Engine engine)
    {
        ArgumentNullException.ThrowIfNull(row);
        var note = row.Note(engine == Engine.Sglang ? "sglang_version" : "vllm_version")
            ?? (engine is Engine.Vllm or Engine.Sglang ? row.Note("engine_version") : null);
        if (EngineVersion.TryParse(note, out var version) && version is not null)
        {
            return version;
        }

        return engine == Engine.Vllm && row["notes"].Contains(" V0", StringComparison.Ordinal) ? EngineVersion.LastVllmV0Default : null;
    }

    /// <summary>The engine a row names; gpt-fast and plain PyTorch are the generic engine.</summary>
    public static Engine EngineOf(CaseRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return EnumText.Find<Engine>(row["engine"]) ?? Engine.Generic;
    }

    private static GpuSpec Gpu(CaseRow row, HardwareCatalog catalog) =>
        catalog.FindGpu(row["gpu_id"]) ?? throw new UnknownIdException($"unknown GPU '{row["gpu_id"]}'");

    private static Topology Topology(CaseRow row, GpuSpec gpu, int gpuCount)
    {
        var perNode = row.Int("gpus_per_node") ?? Math.Max(gpuCount, 1);
        // "unknown" or "none" links: the GPU's usual node, and InfiniBand where a group spans nodes.
        var intra = EnumText.Find<IntraNodeLink>(row["intra_node"]) ?? gpu.Node.IntraNode;
        var inter = EnumText.Find<InterNodeLink>(row["inter_node"]) ?? InterNodeLink.InfiniBand;

        // A row that states its NICs (notes nics_per_node, nic_gbps) overrides the fabric class's usual ones.
        return new Topology(gpu, perNode, intra, inter, (int?)row.NoteNumber("nics_per_node"), row.NoteNumber("nic_gbps"));
    }

    private sealed class UnknownIdException(string message) : Exception(message);
}
