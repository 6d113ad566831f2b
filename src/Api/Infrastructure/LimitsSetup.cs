using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Sizing.Api.Infrastructure;

/// <summary>What one caller may ask of the service: body size, time, rate, compute and origin.</summary>
/// <remarks>
/// Configuration (defaults in brackets): <c>Limits:MaxRequestBodyBytes</c> [262144], <c>Limits:RequestTimeoutSeconds</c> [10]
/// (the budget every synchronous path checks: sweeps per point, the search per layout; 504 when spent),
/// <c>Limits:ShutdownTimeoutSeconds</c> [25], <c>Limits:MaxConcurrentComputations</c> [processor count] requests computing at once
/// with <c>Limits:ComputeQueueLength</c> [64] waiting (without holding a thread, so probes stay responsive under load);
/// <c>RateLimiting:Enabled</c> [false], <c>RateLimiting:PermitLimit</c> [100] requests per <c>RateLimiting:WindowSeconds</c> [1]
/// per client address, <c>RateLimiting:QueueLimit</c> [0], and the cost budget of <see cref="CostLimiter"/>;
/// <c>Cors:AllowedOrigins</c> [none: no cross-origin calls]; <c>ForwardedHeaders:KnownProxies</c> (addresses) and
/// <c>ForwardedHeaders:KnownNetworks</c> (CIDR) [none]. JSON depth is capped at 64 by <see cref="ApiJson"/>.
/// Rejections are problem+json: 413 through the exception handler, 429 and 504 through the status-code pages.
/// <para>The rate limit is per client address. Behind an ingress every request arrives from the proxy, so the client is read
/// from <c>X-Forwarded-For</c>, but only when the connection comes from a configured proxy: from anyone else the header is
/// ignored, or a caller could pick a fresh bucket per request.</para>
/// <para>CORS allows <c>traceparent</c>/<c>tracestate</c> (browser tracing) and exposes <c>Retry-After</c> and <c>ETag</c>; every
/// response carries <c>Vary: Origin</c>, so a shared cache never serves one origin's CORS answer to another.</para>
/// </remarks>
public static class LimitsSetup
{
    public const string CorsPolicy = "dashboards";

    /// <summary>The rate-limiter policy of endpoints that compute (every POST): a concurrency limit with an asynchronous queue.</summary>
    public const string ComputePolicy = "compute";

    public static WebApplicationBuilder AddSizingLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = configuration.GetValue("Limits:MaxRequestBodyBytes", 256L * 1024);
            kestrel.AddServerHeader = false; // no product and version for scanners
        });
        builder.Services.Configure<HostOptions>(host =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(configuration.GetValue("Limits:ShutdownTimeoutSeconds", 25)));
        builder.Services.AddRequestTimeouts(timeouts => timeouts.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(configuration.GetValue("Limits:RequestTimeoutSeconds", 10.0)),
            TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
        });
        builder.Services.AddRateLimiter(options =>
        {
            ConfigureRateLimiter(options, configuration.GetSection("RateLimiting"));
            options.AddConcurrencyLimiter(ComputePolicy, compute =>
            {
                compute.PermitLimit = Math.Max(1, configuration.GetValue("Limits:MaxConcurrentComputations", Environment.ProcessorCount));
                compute.QueueLimit = configuration.GetValue("Limits:ComputeQueueLength", 64);
                compute.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
        });
        builder.Services.AddSingleton<CostLimiter>();
        builder.Services.Configure<ForwardedHeadersOptions>(options => ConfigureForwardedHeaders(options, configuration.GetSection("ForwardedHeaders")));
        var origins = configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(origins)
            .WithMethods(HttpMethods.Get, HttpMethods.Post)
            .WithHeaders(HeaderNames.ContentType, HeaderNames.Accept, HeaderNames.IfNoneMatch, "traceparent", "tracestate")
            .WithExposedHeaders(HeaderNames.RetryAfter, HeaderNames.ETag)
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        return builder;
    }

    /// <summary>Client addresses from trusted proxies; call it first, so logs and the rate limiter see the real client.</summary>
    public static WebApplication UseSizingForwardedHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders();
        return app;
    }

    public static WebApplication UseSizingLimits(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var vary = context.Response.Headers.Vary;
                if (!vary.Any(v => v is not null && v.Split(',').Any(h => h.Trim().Equals(HeaderNames.Origin, StringComparison.OrdinalIgnoreCase))))
                {
                    context.Response.Headers.Vary = StringValues.Concat(vary, HeaderNames.Origin);
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseCors(CorsPolicy);
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        return app;
    }

    private static void ConfigureForwardedHeaders(ForwardedHeadersOptions options, IConfigurationSection section)
    {
        // The framework trusts loopback by default, and with its lists emptied it would trust everyone: only the proxies
        // the operator names are trusted, and with none named the headers are not read at all.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in section.GetSection("KnownProxies").Get<string[]>() ?? [])
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in section.GetSection("KnownNetworks").Get<string[]>() ?? [])
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        options.ForwardedHeaders = options.KnownProxies.Count + options.KnownIPNetworks.Count > 0
            ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
            : ForwardedHeaders.None;

        options.ForwardLimit = section.GetValue("ForwardLimit", 1);
    }

    private static void ConfigureRateLimiter(RateLimiterOptions options, IConfigurationSection section)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = (context, _) =>
        {
            // The window limiter knows when it reopens; a full compute queue is worth retrying a second later.
            var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 1;
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);

            return ValueTask.CompletedTask;
        };
        if (!section.GetValue("Enabled", false))
        {
            return;
        }

        var limiter = new FixedWindowRateLimiterOptions
        {
            PermitLimit = section.GetValue("PermitLimit", 100),
            Window = TimeSpan.FromSeconds(section.GetValue("WindowSeconds", 1.0)),
            QueueLimit = section.GetValue("QueueLimit", 0),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        };
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/metrics")
                ? RateLimitPartition.GetNoLimiter("probes")
                : RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => limiter));
    }
}
