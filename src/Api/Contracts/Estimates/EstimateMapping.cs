using Sizing.Api.Contracts.Models;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Moe;
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
        return new DeploymentInput(memory, topology, workload.InputTokens!.Value, workload.OutputTokens!.Value, batching, arrival, rate, requests,
            request.Parallelism?.MoeExchange);
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

    /// <summary>The layout the request means (<see cref="Parallelism.Layout"/>): data defaults to one engine's DP-attention ranks.</summary>
    public static Parallelism ToDomain(this ParallelismRequest? request) =>
        request is null
            ? Parallelism.None
            : Parallelism.Layout(request.Tensor ?? 1, request.Pipeline ?? 1, request.Expert ?? 1, request.Data ?? request.AttentionData ?? 1,
                request.AttentionData, request.RedundantExperts ?? 0);

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
            estimate.ToUncertainty(gpus),
            [.. estimate.Assumptions.Select(ToResponse)],
            null,
            null);
    }

    /// <summary>Degrees as a request gives them: data counts every DP-attention rank.</summary>
    public static ParallelismResponse ToResponse(Parallelism parallelism)
    {
        ArgumentNullException.ThrowIfNull(parallelism);
        return new(parallelism.Tensor, parallelism.Pipeline, parallelism.Expert, parallelism.Data, parallelism.AttentionData, parallelism.RedundantExperts);
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
        var expert = (parallelism.Expert > 1 || parallelism.DataParallelAttention) && input.Memory.Model.Moe is { } moe
            ? Expert(input, p, moe)
            : null;
        var dataParallel = parallelism.DataParallelAttention
            ? new DataParallelAttentionResponse(parallelism.AttentionData, parallelism.Replicas, Math.Round(p.Running / parallelism.AttentionData, 2),
                Round(estimate.Memory.KvCache.GiB), Math.Round(estimate.Memory.MaxConcurrentSequences / parallelism.AttentionData, 2),
                estimate.Memory.MaxNumBatchedTokens, parallelism.Tensor > 1)
            : null;
        return new CommunicationResponse(Math.Round(p.CommunicationShareOfDecode, 4), tensor, pipeline, expert, dataParallel);
    }

    /// <summary>The MoE layers' exchange in the decode and prefill steps, and where the expert slots sit.</summary>
    private static ExpertParallelResponse Expert(DeploymentInput input, PerformanceEstimate p, Domain.Architecture.MoeArchitecture moe)
    {
        var parallelism = input.Memory.Parallelism;
        var decode = p.DecodeStep.Collectives;
        var prefill = p.Prefill.Collectives;
        var activation = PerformanceAssumptions.Default.ActivationBytes;
        var tokensPerRank = decode.AllReduceMessage.Value / (input.Memory.Model.HiddenSize * activation);
        var exchange = MoeCommunication.Estimate(new MoeCommunicationInput(input.Memory.Model, parallelism, input.Topology, input.Memory.Engine,
            tokensPerRank, MoePhase.Decode, input.MoeExchange, LoadBalancer: parallelism.RedundantExperts > 0));
        var slots = moe.Experts + parallelism.RedundantExperts;
        var stepShare = p.DecodeStep.Total.Value > 0 ? decode.AllToAllTime * decode.AllToAllLayers / p.DecodeStep.Total : 0;
        return new ExpertParallelResponse(MoeLayersOnStage(input), decode.DispatchBytes.Value, Round(decode.AllToAllTime.Microseconds),
            Round((decode.AllToAllTime * decode.AllToAllLayers).Milliseconds), (slots + parallelism.Expert - 1) / parallelism.Expert,
            Math.Round(decode.ExpertImbalance, 3), Placement(slots, parallelism),
            EnumText.Of(decode.AllToAllLayers > 0 ? exchange.Exchange : MoeExchange.AllReduce), decode.AllToAllLayers > 0 ? exchange.Kernel : "tensor-parallel all-reduce",
            parallelism.ExpertTensor, parallelism.RedundantExperts, exchange.GroupGpus, exchange.GroupNodes,
            decode.AllToAllLayers > 0 ? Math.Round(exchange.LocalShare, 4) : 1, decode.AllToAllLayers > 0 ? Math.Round(exchange.InterNodeShare, 4) : 0,
            Math.Round(stepShare, 4), prefill.DispatchBytes.Value, Round(prefill.AllToAllTime.Microseconds),
            Round((prefill.AllToAllTime * prefill.AllToAllLayers).Milliseconds));
    }

    private static int MoeLayersOnStage(DeploymentInput input)
    {
        var model = input.Memory.Model;
        var stage = WeightCalculator.LayersOnLargestStage(model.Layers, input.Memory.Parallelism.Pipeline);
        return (int)Math.Round((double)model.Moe!.MoeLayers * stage / model.Layers);
    }

    /// <summary>Contiguous blocks of expert slots per EP group, each group a contiguous block of the MoE group's ranks (TensorRT-LLM's layout).</summary>
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
