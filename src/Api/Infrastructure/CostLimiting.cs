using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Contracts.Recommendations;
using Sizing.Api.Contracts.Sweeps;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Infrastructure;

/// <summary>Per-client budget of compute, charged by what each valid request will cost rather than one per request.</summary>
/// <remarks>
/// The unit is one estimate's work (a few microseconds): an estimate, a collective or a config resolve costs 1, a sweep one per
/// point, a recommendation one per <see cref="CandidatesPerUnit"/> candidates it enumerates. Each client address gets a token
/// bucket of <c>RateLimiting:CostUnitsPerWindow</c> [20000] units refilled every <c>RateLimiting:WindowSeconds</c>; a request
/// dearer than the whole bucket is charged the whole bucket. Active with <c>RateLimiting:Enabled</c>, beside the per-request
/// window (which stops floods of cheap or invalid requests before they are read); 429 with <c>Retry-After</c> when spent.
/// </remarks>
public sealed class CostLimiter : IDisposable
{
    /// <summary>Measured: a whole-catalog search evaluates about 4 candidates in the time of one estimate.</summary>
    public const long CandidatesPerUnit = 4;

    private readonly PartitionedRateLimiter<string>? _limiter;
    private readonly int _units;
    private readonly TimeSpan _window;

    public CostLimiter(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("RateLimiting");
        _units = section.GetValue("CostUnitsPerWindow", 20_000);
        _window = TimeSpan.FromSeconds(section.GetValue("WindowSeconds", 1.0));
        if (section.GetValue("Enabled", false))
        {
            _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = _units,
                TokensPerPeriod = _units,
                ReplenishmentPeriod = _window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        }
    }

    /// <summary>Charges <paramref name="units"/> (at most a whole bucket) to <paramref name="client"/>; false when its budget is spent.</summary>
    public bool TryCharge(string client, long units)
    {
        if (_limiter is null || units <= 1)
        {
            return true; // one unit is what the per-request window already counts
        }

        using var lease = _limiter.AttemptAcquire(client, (int)Math.Min(units, _units));
        return lease.IsAcquired;
    }

    /// <summary>Seconds until a spent bucket is full again.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(_window.TotalSeconds));

    public void Dispose() => _limiter?.Dispose();
}

/// <summary>Charges each validated request its cost (runs after <see cref="Validation.ValidationFilter"/>, so only valid requests pay).</summary>
public sealed class CostLimitFilter(CostLimiter limiter, HardwareCatalog catalog, ModelConfigCache models) : IActionFilter
{
    public void OnActionExecuting(ActionExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var units = context.ActionArguments.Values.Sum(Cost);
        var client = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.TryCharge(client, units))
        {
            return;
        }

        context.HttpContext.Response.Headers.RetryAfter = limiter.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Result = new ObjectResult(new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many requests.",
            Detail = string.Create(CultureInfo.InvariantCulture, $"this request costs {units:N0} compute units and this client's budget for the window is spent; retry after the Retry-After seconds."),
            Instance = context.HttpContext.Request.Path,
            Extensions = { ["traceId"] = Errors.ProblemFactory.TraceId(context.HttpContext) },
        })
        {
            StatusCode = StatusCodes.Status429TooManyRequests,
            ContentTypes = { "application/problem+json" },
        };
    }

    public void OnActionExecuted(ActionExecutedContext context)
    {
    }

    /// <summary>The work a valid request will do, in estimates.</summary>
    private long Cost(object? argument) => argument switch
    {
        SweepRequest { Vary.Values: { } values } => values.Count,
        RecommendationRequest recommendation => 1 + (RecommendationMapping.CandidateCount(recommendation, catalog, models) / CostLimiter.CandidatesPerUnit),
        _ => 1,
    };
}
