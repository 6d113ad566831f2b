using System.Text.RegularExpressions;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;
using Sizing.Domain.Units;

namespace Sizing.Fidelity;

/// <summary>A prediction for one case, or why none was made.</summary>
/// <param name="Family">The metric family (<see cref="FigureFamily"/> names; <c>gemm</c> or <c>other</c> for rows not predicted).</param>
/// <param name="Engine">The engine the figure is for, as error bands key it (collectives: the implementation).</param>
/// <param name="GpuClass">Vendor and architecture of the row's GPU, e.g. <c>nvidia-hopper</c>; empty where the GPU is unknown.</param>
/// <param name="Regime">The load regime or fabric the row exercises (<see cref="Regimes"/>).</param>
public sealed record Prediction(CaseRow Case, string Family, double? Predicted, string? Refusal, string Engine, string GpuClass, string Regime)
{
    public double? AbsolutePercentageError => Predicted is { } p ? Math.Abs(p - Case.Value) / Math.Abs(Case.Value) * 100 : null;

    /// <summary>Measured over predicted, oriented as the family's band is: a bus-bandwidth row counts as its time (predicted over measured).</summary>
    public double? Ratio => Predicted is { } p && p > 0 && Case.Value > 0
        ? Case.Metric == "collective_busbw_GBps" ? p / Case.Value : Case.Value / p
        : null;
}

/// <summary>Predicts each case through the domain services, mapping columns the way docs/calibration.md describes.</summary>
public static partial class CasePredictor
{
    /// <summary>Why a bus-bandwidth row printed as 0.00 is not scored.</summary>
    public const string BelowPrecision = "measured 0.00 as printed: below the source's precision, no percentage error";

    public static string FamilyOf(string metric) => metric switch
    {
        "tpot_ms" => EnumText.Of(FigureFamily.Tpot),
        "ttft_ms" => EnumText.Of(FigureFamily.Ttft),
        "e2e_ms" or "batch_e2e_ms" => EnumText.Of(FigureFamily.E2e),
        "output_tok_s" or "output_tok_s_per_gpu" or "output_tok_s_per_user" => EnumText.Of(FigureFamily.Throughput),
        "collective_us" or "collective_busbw_GBps" => EnumText.Of(FigureFamily.Collective),
        "weights_gib_per_gpu" => EnumText.Of(FigureFamily.Weights),
        "kv_cache_gib_per_gpu" or "kv_capacity_tokens" or "max_concurrency" => EnumText.Of(FigureFamily.KvCache),
        "activation_peak_gib" or "peak_torch_gib" or "non_torch_gib" => EnumText.Of(FigureFamily.Activation),
        "matmul_tflops" => "gemm",
        "hbm_bandwidth_GBps" => "membw",
        _ => "other",
    };

    /// <param name="asUser">Send concurrency rows as a user who knows only the API contract would: N clients and continuous
    /// batching, without the run's length (the measured sets outside the repository are scored this way).</param>
    public static Prediction Predict(CaseRow row, HardwareCatalog catalog, EstimatorAssumptions? assumptions = null, bool asUser = false)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(catalog);
        var a = assumptions ?? EstimatorAssumptions.Default;
        var family = FamilyOf(row.Metric);
        var gpuClass = catalog.FindGpu(row["gpu_id"]) is { } known ? ErrorBands.GpuClass(known) : string.Empty;
        var engine = row.Kind == "collective" ? EnumText.Of(ImplementationOf(row)) : EnumText.Of(EngineOf(row));
        Prediction Answer(double? value, string? refusal, string regime) => new(row, family, value, refusal, engine, gpuClass, regime);
        try
        {
            return row.Kind switch
            {
                "collective" => Collective(row, catalog, a.Communication, Answer),
                "memory" or "serving" => Deployment(row, catalog, a, asUser, Answer),
                // GEMM and bandwidth peaks bound the engine efficiencies; they are facts about the GPU, not deployments.
                "gemm" or "membw" => Answer(null, $"a {row.Kind} peak is a fact about the GPU (it bounds the engine efficiencies), not a deployment prediction", Regimes.GpuFact),
                _ => Answer(null, $"unknown kind '{row.Kind}'", Regimes.Other),
            };
        }
        catch (UnknownIdException e)
        {
            return Answer(null, e.Message, Regimes.Other);
        }
    }

    /// <summary>The implementation a collective row ran: nccl-tests, torch.distributed and engines' NCCL paths are NCCL.</summary>
    public static CollectiveImplementation ImplementationOf(CaseRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return EnumText.Find<CollectiveImplementation>(row["engine"]) ?? CollectiveImplementation.Nccl;
    }

    private static Prediction Collective(CaseRow row, HardwareCatalog catalog, CommunicationAssumptions assumptions, Func<double?, string?, string, Prediction> answer)
    {
        var regime = Regimes.OfCollective(row, catalog);

        // nccl-tests prints busbw with two decimals: a small message's "0.00" is below the printed precision, not a zero
        // to compare against (its time row carries the measurement).
        if (row.Value == 0)
        {
            return answer(null, BelowPrecision, regime);
        }

        var (topology, count) = CollectiveTopology(row, catalog);
        var operation = EnumText.Find<CollectiveOperation>(row["operation"]) ?? CollectiveOperation.AllReduce;
        var estimate = Collectives.Estimate(
            operation, topology, count, new Bytes(row.Long("message_bytes") ?? 0), ImplementationOf(row), assumptions, ForcedAlgorithm(row));
        return answer(row.Metric == "collective_us" ? estimate.Time.Microseconds : estimate.BusBandwidth.GBps, null, regime);
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

    /// <summary>The topology and rank count of a collective row.</summary>
    public static (Topology Topology, int GpuCount) CollectiveTopology(CaseRow row, HardwareCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(catalog);
        var gpu = Gpu(row, catalog);
        var count = row.Int("gpu_count") ?? 1;
        return (Topology(row, gpu, count), count);
    }

    private static Prediction Deployment(CaseRow row, HardwareCatalog catalog, EstimatorAssumptions a, bool asUser, Func<double?, string?, string, Prediction> answer)
    {
        var input = Input(row, catalog, asUser);
        var memory = MemoryEstimator.Estimate(input.Memory, a.Memory);
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
            return answer(figure, null, Regimes.OfDeployment(row, input, null));
        }

        // The API answers a deployment past its capacity with a queue in the figures, and so does this: a closed loop of more
        // clients than the KV pool holds is a measured regime, not a refusal. Only a deployment that leaves no KV cache at all
        // (the engine would not start) is refused.
        if (memory.KvCachePool.Value <= 0)
        {
            return answer(null, "the model predicts this deployment leaves no KV cache: " + string.Join("; ", memory.Reasons), Regimes.OfDeployment(row, input, null));
        }

        var performance = PerformanceEstimator.Estimate(input, memory, a.Performance, a.Communication, a.Memory);
        var regime = Regimes.OfDeployment(row, input, performance);
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
            ? answer(null, $"metric '{row.Metric}' is not predicted", regime)
            : answer(value, null, regime);
    }

    /// <summary>The estimate behind a row's prediction, spelled out for analysis.</summary>
    public static string Explain(CaseRow row, HardwareCatalog catalog, EstimatorAssumptions assumptions, bool asUser = false)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(assumptions);
        var input = Input(row, catalog, asUser);
        var memory = MemoryEstimator.Estimate(input.Memory, assumptions.Memory);
        var p = PerformanceEstimator.Estimate(input, memory, assumptions.Performance, assumptions.Communication, assumptions.Memory);
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
        var model = Model(row, catalog);
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
    /// rows); a vLLM row that says only "V0" ran the V0 engine; anything else (including "not stated") is the latest, as a caller who names no version gets.</summary>
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

    /// <summary>The catalog model a row names, or null.</summary>
    private static Sizing.Domain.Architecture.ModelArchitecture? ModelOrNull(CaseRow row, HardwareCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.FindModel(row["model_id"])?.Architecture;
    }

    private static Sizing.Domain.Architecture.ModelArchitecture Model(CaseRow row, HardwareCatalog catalog) =>
        ModelOrNull(row, catalog) ?? throw new UnknownIdException($"unknown model '{row["model_id"]}'");

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
