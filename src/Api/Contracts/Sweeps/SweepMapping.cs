using Sizing.Api.Contracts.Estimates;
using Sizing.Api.Contracts.Models;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Contracts.Sweeps;

public static class SweepMapping
{
    /// <summary>Runs one estimate per value, each exactly as POST /v1/estimates would for the rewritten request.</summary>
    /// <param name="cancellation">The request's time budget, checked before each point.</param>
    public static SweepResponse Run(this SweepRequest request, HardwareCatalog catalog, ModelConfigCache models, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameter = request.Vary!.Parameter!.Value;
        var points = new List<SweepPointResponse>(request.Vary.Values!.Count);
        foreach (var value in request.Vary.Values)
        {
            cancellation.ThrowIfCancellationRequested();
            var e = SweepParameters.Apply(request.Base!, parameter, value).Estimate(catalog, models);
            var m = e.Memory;
            var u = e.Uncertainty;
            var t = e.Throughput;
            var perGpu = u.OutputTokensPerSecondPerGpu;
            points.Add(new SweepPointResponse(
                value, e.Fits, e.Concurrency, e.Latency?.TtftMs, e.Latency?.TpotMs, e.Latency?.E2eMs,
                t?.OutputTokensPerSecond, t?.OutputTokensPerSecondPerGpu, t?.OutputTokensPerSecondPerUser,
                t?.RequestsPerSecond, m.PerGpu.WeightsGiB, m.PerGpu.KvCacheGiB, m.PerGpu.KvCachePoolGiB, m.PerGpu.HeadroomGiB,
                m.MaxConcurrentSequences, e.Communication?.ShareOfDecodeStep, e.Performance?.Bound, e.Fits || e.Warnings.Count == 0 ? null : e.Warnings[0],
                u.TtftMs?.Low, u.TtftMs?.High, u.TpotMs?.Low, u.TpotMs?.High, u.E2eMs?.Low, u.E2eMs?.High,
                u.OutputTokensPerSecond?.Low, u.OutputTokensPerSecond?.High, perGpu?.Low, perGpu?.High,
                u.OutputTokensPerSecondPerUser?.Low, u.OutputTokensPerSecondPerUser?.High,
                u.WeightsGiB.Low, u.WeightsGiB.High, u.KvCachePoolGiB.Low, u.KvCachePoolGiB.High));
        }

        return new SweepResponse(parameter, points);
    }
}
