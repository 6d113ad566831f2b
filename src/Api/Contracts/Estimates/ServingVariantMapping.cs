using Sizing.Api.Contracts.Models;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Disaggregation;
using Sizing.Domain.Performance;
using Sizing.Domain.Speculative;

namespace Sizing.Api.Contracts.Estimates;

/// <summary>One estimate request end to end: aggregated, disaggregated, with or without speculation.</summary>
public static class ServingVariantMapping
{
    /// <summary>What POST /v1/estimates answers for <paramref name="request"/> (sweeps answer each point the same way).</summary>
    public static EstimateResponse Estimate(this EstimateRequest request, HardwareCatalog catalog, ModelConfigCache models)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = request.ToDomain(catalog, models);
        var speculative = request.Speculative?.ToDomain(catalog, input.Memory.Model);
        if (request.Disaggregation is { } disaggregation)
        {
            return Disaggregated(request, disaggregation, input, speculative, catalog);
        }

        if (speculative is null)
        {
            return DeploymentEstimator.Estimate(input).ToResponse(input);
        }

        var drafted = input with { Memory = input.Memory with { DraftWeights = SpeculativeEstimator.DraftWeightsPerGpu(input.Memory, speculative) } };
        var estimate = DeploymentEstimator.Estimate(drafted);
        var problems = SpeculativeEstimator.Problems(input.Memory.Model, input.Memory.Parallelism, speculative);
        if (problems.Count > 0)
        {
            return (estimate with
            {
                Memory = estimate.Memory with { Fits = false, Reasons = [.. estimate.Memory.Reasons, .. problems] },
                Warnings = [.. problems, .. estimate.Warnings],
            }).ToResponse(drafted);
        }

        if (!estimate.Fits)
        {
            return estimate.ToResponse(drafted);
        }

        var outcome = SpeculativeEstimator.Estimate(drafted, speculative, (int)Math.Ceiling(estimate.Performance.Running));
        var response = (estimate with { Performance = outcome.Apply(estimate.Performance, drafted.OutputTokens) }).ToResponse(drafted);
        return response with { Speculative = ToResponse(outcome, request.Speculative!.AcceptanceRate is null) };
    }

    private static SpeculativeConfiguration ToDomain(this SpeculativeRequest request, HardwareCatalog catalog, Domain.Architecture.ModelArchitecture model)
    {
        var method = request.Method!.Value;
        var rate = request.AcceptanceRate ?? SpeculativeDecoding.DefaultAcceptanceRate(method)!.Value;
        var draft = request.DraftModel is { } id ? catalog.FindModel(id)!.Architecture : null;
        return new SpeculativeConfiguration(method, request.DraftTokens ?? Math.Max(1, model.MtpModules), rate, draft);
    }

    private static EstimateResponse Disaggregated(EstimateRequest request, DisaggregationRequest disaggregation, DeploymentInput input, SpeculativeConfiguration? speculative, HardwareCatalog catalog)
    {
        var hardware = request.Hardware!;
        PoolConfiguration Pool(PoolRequest pool)
        {
            var gpu = pool.Gpu is { } id ? catalog.FindGpu(id)! : input.Topology.Gpu;
            var same = gpu.Id == input.Topology.Gpu.Id;
            var topology = same
                ? input.Topology
                : new Topology(gpu, gpu.Node.GpusPerNode, LinkRules.IntraNodeOrDefault(gpu, null), LinkRules.InterNodeOrDefault(hardware.InterNode), hardware.NicsPerNode, hardware.NicGbps);
            return new PoolConfiguration(pool.Parallelism.ToDomain(), pool.Instances!.Value, topology, pool.Parallelism!.MoeExchange);
        }

        var e = DisaggregatedEstimator.Estimate(new DisaggregatedInput(
            input, Pool(disaggregation.Prefill!), Pool(disaggregation.Decode!), disaggregation.KvLink ?? KvTransferLink.InfiniBand,
            request.Workload!.RequestsPerSecond!.Value, disaggregation.LayerwiseTransfer ?? false, speculative));
        var instance = e.DecodeInstance;
        var warnings = e.Reasons.Concat(instance.Warnings).Distinct(StringComparer.Ordinal).ToList();
        var decodeInstance = instance with { Memory = instance.Memory with { Fits = e.Fits }, Warnings = warnings };
        var response = decodeInstance.ToResponse(e.Decode.Input);
        return response with
        {
            TotalGpus = e.TotalGpus,
            Disaggregation = ToResponse(e),
            Speculative = e.Speculative is { } outcome ? ToResponse(outcome, request.Speculative!.AcceptanceRate is null) : null,
        };
    }

    /// <summary>A disaggregated deployment's figures as the API reports them.</summary>
    public static DisaggregationResponse ToResponse(DisaggregatedEstimate e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Disaggregation(e);
    }

    private static DisaggregationResponse Disaggregation(DisaggregatedEstimate e)
    {
        var s = e.Serving;
        return new DisaggregationResponse(
            Round(s.Prefill.CapacityRequestsPerSecond * s.Prefill.Utilization), e.TotalGpus,
            Pool(e.Prefill, s.Prefill), Pool(e.Decode, s.Decode),
            new KvTransferResponse(EnumText.Of(e.Transfer.Link), s.KvBytesPerRequest.Value, s.SendingGpus,
                Round(s.KvTransfer.Milliseconds), Round(s.KvTransferDemand.GBps), e.Transfer.LayerwiseOverlap),
            Math.Round(s.RateMatch, 4), Round(s.CapacityRequestsPerSecond), Finite(s.PrefillQueue.Milliseconds), Round(e.PrefillTime.Milliseconds),
            Round(s.KvTransfer.Milliseconds), Finite(s.Ttft.Milliseconds), Round(s.Tpot.Milliseconds), Round(e.OutputTokensPerSecond),
            Round(e.OutputTokensPerSecond / e.TotalGpus), e.Fits, e.Reasons);
    }

    private static PoolResponse Pool(PoolFigures figures, PoolThroughput throughput)
    {
        var pool = figures.Pool;
        return new PoolResponse(pool.Gpu.Id, EstimateMapping.ToResponse(pool.Parallelism), pool.Instances, pool.Parallelism.GpusPerReplica,
            throughput.Gpus, throughput.Nodes, Round(throughput.TokensPerSecond), Round(throughput.TokensPerSecondPerGpu), Round(throughput.TokensPerSecondPerNode),
            Round(throughput.CapacityRequestsPerSecond), Round(throughput.CapacityTokensPerSecondPerGpu), Round(throughput.CapacityTokensPerSecondPerNode),
            Math.Round(throughput.Utilization, 4), Math.Round(figures.Sequences, 2), figures.Capacity, Round(figures.Step.Total.Milliseconds),
            Round(figures.Memory.Weights.GiB), Round(figures.Memory.KvCachePool.GiB));
    }

    /// <summary>Speculation's figures as the API reports them; <paramref name="defaultRate"/> when the documented default rate was used.</summary>
    public static SpeculativeResponse ToResponse(SpeculativeOutcome outcome, bool defaultRate)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var c = outcome.Configuration;
        var s = outcome.Estimate;
        return new SpeculativeResponse(EnumText.Of(c.Method), c.DraftTokens, c.AcceptanceRate,
            defaultRate ? "default: DeepSeek-V3 technical report §5.4.3, MTP acceptance of the second token 85–90 % (low end)" : "request",
            outcome.Batch, Math.Round(s.TokensPerStep, 4), Round(s.BaselineTpot.Milliseconds), Round(s.VerifyStep.Milliseconds), Round(s.DraftStep.Milliseconds),
            Round(s.StepTime.Milliseconds), Round(s.Tpot.Milliseconds), Round(s.BaselineTpot.Milliseconds), Math.Round(s.Speedup, 4),
            Round(s.BreakEvenVerifyStep.Milliseconds), s.Pays, Round(outcome.DraftWeightsPerGpu.GiB));
    }

    private static double Round(double value) => Math.Round(value, 3);

    private static double? Finite(double value) => double.IsFinite(value) ? Round(value) : null;
}
