using Sizing.Api.Contracts.Estimates;
using Sizing.Api.Contracts.Models;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Recommendation;
using Sizing.Domain.Units;

namespace Sizing.Api.Contracts.Recommendations;

public static class RecommendationMapping
{
    /// <summary>GPU budget when the request names none: one 8-GPU node.</summary>
    public const int DefaultMaxGpus = 8;

    /// <summary>Wall time one search may take before it stops and reports itself truncated.</summary>
    public static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(2);

    private static readonly Precision[] DefaultPrecisions = [Precision.Bf16, Precision.Fp8];

    public static RecommendationInput ToDomain(this RecommendationRequest request, HardwareCatalog catalog, ModelConfigCache models, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        var workload = request.Workload!;
        var slo = request.Slo;
        return new RecommendationInput(
            ModelChoice.Resolve(request.Model, request.ModelConfig, catalog, models),
            request.Model is { } id ? catalog.FindModel(id)!.HfId : null,
            Hardware(request.Hardware, catalog),
            request.Hardware?.MaxGpus ?? DefaultMaxGpus,
            workload.InputTokens!.Value,
            workload.OutputTokens!.Value,
            workload.RequestsPerSecond!.Value,
            new ServiceLevel(
                slo?.TtftMs is { } ttft ? Seconds.FromMilliseconds(ttft) : null,
                slo?.TpotMs is { } tpot ? Seconds.FromMilliseconds(tpot) : null,
                slo?.TtftP99Ms is { } ttftP99 ? Seconds.FromMilliseconds(ttftP99) : null,
                slo?.TpotP99Ms is { } tpotP99 ? Seconds.FromMilliseconds(tpotP99) : null),
            Precisions(request),
            request.Engine ?? Engine.Vllm,
            request.Objective ?? Objective.MinCost,
            request.Limit ?? 5,
            request.GpuMemoryUtilization,
            Checkpoints: request.Model is { } model ? CheckpointCatalog.BuiltIn.For(model) : [],
            Stop: stop);
    }

    /// <summary>The candidates the request's search would enumerate, for the search-size cap.</summary>
    public static long CandidateCount(RecommendationRequest request, HardwareCatalog catalog, ModelConfigCache models)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hardware = Hardware(request.Hardware, catalog);
        var model = ModelChoice.Resolve(request.Model, request.ModelConfig, catalog, models);
        var engine = request.Engine ?? Engine.Vllm;
        return RecommendationSearch.CountCandidates(model, hardware.Select(h => h.GpusPerNode), Precisions(request).Count,
            request.Hardware?.MaxGpus ?? DefaultMaxGpus, engine);
    }

    private static List<HardwareOption> Hardware(RecommendationHardwareRequest? request, HardwareCatalog catalog)
    {
        var gpus = request?.Gpus is { } ids ? ids.Distinct(StringComparer.Ordinal).Select(id => catalog.FindGpu(id)!) : catalog.Gpus;
        var inter = LinkRules.InterNodeOrDefault(request?.InterNode);
        return [.. gpus.Select(g => new HardwareOption(
            g, request?.GpusPerNode ?? g.Node.GpusPerNode, LinkRules.IntraNodeOrDefault(g, request?.IntraNode), inter, request?.NicsPerNode, request?.NicGbps))];
    }

    private static List<Precision> Precisions(RecommendationRequest request) =>
        request.Precisions is { } p ? [.. p.Distinct()] : [.. DefaultPrecisions];

    public static RecommendationResponse ToResponse(this RecommendationResult result, Objective objective)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new RecommendationResponse(
            [.. result.Plans.Select(ToResponse)],
            [.. result.Rejected.Select(ToResponse)],
            result.RejectedCount,
            result.RejectedByKind.ToDictionary(k => EnumText.Of(k.Key), k => k.Value, StringComparer.Ordinal),
            result.CandidatesEvaluated,
            result.EstimatesRun,
            result.Truncated,
            EnumText.Of(objective),
            result.Warnings,
            [.. result.ParetoFront.Select(p => new ParetoPointResponse(
                p.Hardware.Gpu.Id, EnumText.Of(p.Weights), p.Parallelism.Tensor, p.Parallelism.Pipeline, p.Parallelism.Expert, p.Parallelism.AttentionData, p.Concurrency,
                Round(p.OutputTokensPerSecondPerGpu), Round(p.OutputTokensPerSecondPerUser), Round(p.Ttft.Milliseconds), Round(p.Tpot.Milliseconds)))],
            [.. result.Assumptions.Select(a => a.ToResponse())]);
    }

    private static RecommendationPlanResponse ToResponse(Plan plan)
    {
        // A plan fits by construction, so its estimate has every figure.
        var estimate = plan.Estimate.ToResponse(plan.Input);
        var p = plan.Estimate.Performance;

        // A split plan's estimate carries the whole TTFT, prefill queue included; its engine part is the rest.
        var engineTtft = plan.Disaggregation is null ? p.Ttft : plan.Ttft - plan.Queueing;
        var e2e = plan.Disaggregation is null ? plan.Queueing + p.E2e : p.E2e;
        return new RecommendationPlanResponse(
            plan.Rank,
            plan.Hardware.Gpu.Id,
            Node(plan.Hardware),
            Parallelism(plan.Parallelism),
            plan.Replicas,
            plan.TotalGpus,
            plan.Parallelism.GpusPerReplica,
            new PrecisionResponse(EnumText.Of(plan.Weights), EnumText.Of(plan.KvCache)),
            plan.ConcurrencyPerReplica,
            Round(plan.RequestsPerSecondPerReplica),
            Round(plan.CapacityRequestsPerSecondPerReplica),
            Math.Round(plan.Utilization, 4),
            new PlanLatencyResponse(Round(plan.Ttft.Milliseconds), Round(plan.Queueing.Milliseconds), Round(engineTtft.Milliseconds), Round(p.Tpot.Milliseconds),
                Round(e2e.Milliseconds), Round(plan.TtftP99.Milliseconds), Round(p.TpotPercentiles.P99.Milliseconds)),
            estimate.Throughput!,
            estimate.Memory,
            estimate.Communication!,
            Round(plan.CostPerHourUsd),
            Round(plan.CostPerMillionOutputTokensUsd),
            plan.MeetsSlo,
            plan.MeetsSloAcrossBand,
            plan.ForcedAcrossNodes,
            plan.Why,
            new EngineArgsResponse(plan.EngineArgs.Vllm, plan.EngineArgs.Sglang, plan.EngineArgs.Trtllm, plan.EngineArgs.Notes),
            plan.Checklist,
            estimate.Warnings,
            Uncertainty(plan, e2e),
            plan.Disaggregation is { } split ? ServingVariantMapping.ToResponse(split.Estimate) : null,
            plan.Speculative is { } speculative ? ServingVariantMapping.ToResponse(speculative, defaultRate: true) : null);
    }

    /// <summary>The bands of a plan's figures: a plan fits by construction, so every figure has one.</summary>
    private static PlanUncertaintyResponse Uncertainty(Plan plan, Seconds e2e)
    {
        var b = plan.Estimate.Bands;
        var p = plan.Estimate.Performance;
        var m = plan.Estimate.Memory;
        return new PlanUncertaintyResponse(
            b.Ttft.Around(plan.Ttft.Milliseconds),
            b.Tpot.Around(p.Tpot.Milliseconds),
            b.E2e.Around(e2e.Milliseconds),
            b.Ttft.Around(plan.TtftP99.Milliseconds),
            b.Tpot.Around(p.TpotPercentiles.P99.Milliseconds),
            b.Throughput.Around(p.OutputTokensPerSecond),
            b.Throughput.Around(p.OutputTokensPerSecondPerUser),
            b.Weights.Around(m.Weights.GiB),
            b.KvCachePool.Around(m.KvCachePool.GiB),
            b.Activations.Around(m.Activations.GiB));
    }

    private static RejectedResponse ToResponse(Rejection r) => new(
        r.Hardware.Gpu.Id,
        Node(r.Hardware),
        Parallelism(r.Parallelism with { Data = r.Replicas * r.Parallelism.AttentionData }),
        new PrecisionResponse(EnumText.Of(r.Weights), EnumText.Of(r.KvCache)),
        r.Replicas,
        EnumText.Of(r.Kind),
        r.Reasons,
        r.Ttft is { } ttft ? Round(ttft.Milliseconds) : null,
        r.Tpot is { } tpot ? Round(tpot.Milliseconds) : null,
        Math.Round(r.MissRatio, 3));

    private static PlanNodeResponse Node(HardwareOption h) => new(h.GpusPerNode, EnumText.Of(h.IntraNode), EnumText.Of(h.InterNode));

    private static ParallelismResponse Parallelism(Parallelism p) => EstimateMapping.ToResponse(p);

    private static double Round(double value) => Math.Round(value, 3);
}
