using Sizing.Api.Contracts.Models;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;

namespace Sizing.Api.Contracts.Estimates;

public static class EstimateMapping
{
    public static DeploymentInput ToDomain(this EstimateRequest request, HardwareCatalog catalog, ModelConfigCache models)
    {
        ArgumentNullException.ThrowIfNull(request);
        var memory = request.ToMemoryInput(catalog, models);
        var hardware = request.Hardware!;
        var topology = new Topology(memory.Gpu, hardware.GpusPerNode ?? memory.Gpu.Node.GpusPerNode,
            LinkRules.IntraNodeOrDefault(memory.Gpu, hardware.IntraNode), LinkRules.InterNodeOrDefault(hardware.InterNode),
            hardware.NicsPerNode, hardware.NicGbps);
        var workload = request.Workload!;
        var (batching, arrival, rate, requests) = BatchingNames.Resolve(workload.Batching, workload.Arrival, workload.RequestsPerSecond, workload.NumPrompts);
        return new DeploymentInput(memory, topology, workload.InputTokens!.Value, workload.OutputTokens!.Value, batching, arrival, rate, requests);
    }

    public static MemoryInput ToMemoryInput(this EstimateRequest request, HardwareCatalog catalog, ModelConfigCache models)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        var workload = request.Workload!;
        var sequence = workload.InputTokens!.Value + workload.OutputTokens!.Value;
        var weights = request.Precision?.Weights ?? Precision.Bf16;
        var engine = request.Engine ?? Engine.Vllm;
        return new MemoryInput(
            ModelChoice.Resolve(request.Model, request.ModelConfig, catalog, models),
            catalog.FindGpu(request.Hardware!.Gpu!)!,
            request.Parallelism.ToDomain(),
            weights,
            request.Precision?.KvCache ?? KvCacheDefaults.For(engine, weights),
            engine,
            request.MaxModelLength ?? Math.Max(1, sequence),
            Math.Max(1, sequence),
            workload.Concurrency,
            request.GpuMemoryUtilization,
            request.MaxNumBatchedTokens,
            request.MaxNumSeqs,
            request.ChunkedPrefill,
            request.BlockSize ?? 16,
            EngineVersion.Parse(request.EngineVersion),
            request.EnforceEager ?? false);
    }

    public static Parallelism ToDomain(this ParallelismRequest? request) =>
        request is null ? Parallelism.None : new Parallelism(request.Tensor ?? 1, request.Pipeline ?? 1, request.Expert ?? 1, request.Data ?? 1);

    public static EstimateResponse ToResponse(this DeploymentEstimate estimate, DeploymentInput input)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(input);
        var parallelism = input.Memory.Parallelism;
        var p = estimate.Performance;
        var gpus = parallelism.GpusPerReplica;
        var runs = estimate.Fits;
        return new EstimateResponse(
            estimate.Fits,
            p.Concurrency,
            gpus,
            parallelism.TotalGpus,
            estimate.Memory.ToResponse(),
            runs ? Communication(estimate, input) : null,
            runs
                ? new LatencyResponse(Round(p.Ttft.Milliseconds), Round(p.Tpot.Milliseconds), Round(p.E2e.Milliseconds),
                    Percentiles(p.TtftPercentiles), Percentiles(p.TpotPercentiles))
                : null,
            runs ? new ThroughputResponse(Round(p.OutputTokensPerSecond), Round(p.OutputTokensPerSecond / gpus), Round(p.OutputTokensPerSecondPerUser), Round(p.RequestsPerSecond)) : null,
            runs ? new LoadResponse(EnumText.Of(input.Arrival), p.Concurrency, Math.Round(p.Running, 2), Math.Round(p.Waiting, 2), p.Capacity, p.Queues) : null,
            runs
                ? new PerformanceResponse(p.Bound, Round(p.DecodeStep.Total.Milliseconds), Round(p.DecodeStep.Memory.Milliseconds), Round(p.DecodeStep.Compute.Milliseconds),
                    Round(p.Prefill.Total.Milliseconds), Round(p.Prefill.Compute.Milliseconds))
                : null,
            estimate.Warnings,
            estimate.ToUncertainty(),
            [.. estimate.Assumptions.Select(ToResponse)]);
    }

    private static PercentilesResponse Percentiles(LatencyPercentiles p) =>
        new(Round(p.P50.Milliseconds), Round(p.P90.Milliseconds), Round(p.P99.Milliseconds));

    private static CommunicationResponse Communication(DeploymentEstimate estimate, DeploymentInput input)
    {
        var p = estimate.Performance;
        var parallelism = input.Memory.Parallelism;
        var decode = p.DecodeStep.Collectives;
        var prefill = p.Prefill.Collectives;
        var tensor = parallelism.Tensor > 1
            ? new TensorParallelResponse(decode.AllReduces, decode.AllReduceMessage.Value, Round(decode.AllReduceTime.Microseconds),
                Round((decode.AllReduceTime * decode.AllReduces).Milliseconds), prefill.AllReduceMessage.Value, Round(prefill.AllReduceTime.Microseconds),
                Round((prefill.AllReduceTime * prefill.AllReduces).Milliseconds))
            : null;
        var pipeline = p.Pipeline is { } pp
            ? new PipelineResponse(pp.Stages, pp.LayersPerStage, pp.MicroBatches, pp.HopBytes.Value, Round(pp.HopTime.Microseconds), Math.Round(pp.BubbleFraction, 4))
            : null;
        var expert = parallelism.Expert > 1 && input.Memory.Model.Moe is { } moe
            ? new ExpertParallelResponse(MoeLayersOnStage(input), decode.DispatchBytes.Value, Round(decode.AllToAllTime.Microseconds),
                Round((decode.AllToAllTime * decode.AllToAllLayers).Milliseconds), (moe.Experts + parallelism.Expert - 1) / parallelism.Expert,
                Math.Round(decode.ExpertImbalance, 3), Placement(moe.Experts, parallelism))
            : null;
        return new CommunicationResponse(Math.Round(p.CommunicationShareOfDecode, 4), tensor, pipeline, expert);
    }

    private static int MoeLayersOnStage(DeploymentInput input)
    {
        var model = input.Memory.Model;
        var stage = WeightCalculator.LayersOnLargestStage(model.Layers, input.Memory.Parallelism.Pipeline);
        return (int)Math.Round((double)model.Moe!.MoeLayers * stage / model.Layers);
    }

    /// <summary>Contiguous blocks of experts per EP group, each group a contiguous block of TP ranks (TensorRT-LLM's layout).</summary>
    private static List<ExpertPlacementResponse> Placement(int experts, Parallelism parallelism)
    {
        var perGroup = (experts + parallelism.Expert - 1) / parallelism.Expert;
        var ranks = parallelism.ExpertTensor;
        return [.. Enumerable.Range(0, Math.Min(parallelism.Expert, 64)).Select(g => new ExpertPlacementResponse(
            g,
            Range(g * ranks, ((g + 1) * ranks) - 1),
            Range(g * perGroup, Math.Min(experts, (g + 1) * perGroup) - 1)))];
    }

    private static string Range(int first, int last) => first == last
        ? first.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{first}-{last}");

    public static MemoryResponse ToResponse(this MemoryEstimate m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new MemoryResponse(
            new PerGpuMemoryResponse(
                Round(m.Weights.GiB), Round(m.KvCache.GiB), Round(m.Activations.GiB), Round(m.RuntimeOverhead.GiB),
                Round(m.Total.GiB), Round(m.Capacity.GiB), Round(m.Headroom.GiB), Round(m.KvCachePool.GiB)),
            m.KvCacheBytesPerTokenPerGpu,
            m.KvCacheCapacityTokens,
            Math.Round(m.MaxConcurrentSequences, 2),
            m.MaxNumBatchedTokens,
            m.MaxNumSeqs,
            m.GpuMemoryUtilization,
            m.Engine);
    }

    public static AssumptionResponse ToResponse(this Assumption a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new AssumptionResponse(a.Name, a.Value, a.Unit, EnumText.Of(a.Basis), a.Source);
    }

    private static double Round(double value) => Math.Round(value, 3);
}
