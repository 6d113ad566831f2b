using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Serilog;
using Serilog.Formatting.Compact;
using Sizing.Api.Errors;

namespace Sizing.Api.Infrastructure;

/// <summary>Serilog structured logs and OpenTelemetry metrics for Prometheus: HTTP, .NET runtime, process and the service's own.</summary>
/// <remarks>
/// Configuration: <c>Serilog</c> (levels, as Serilog.Settings.Configuration reads them), <c>Observability:LogFormat</c>
/// (<c>text</c>, the default, with control characters escaped; or <c>json</c>: one compact JSON object per line for log shippers)
/// and <c>Observability:MetricsPort</c> (unset: <c>/metrics</c> on every port; set: only on connections to that port, a
/// management port the public Service does not expose). Sinks and enrichers registered in the container (<c>ILogEventSink</c>)
/// are added too.
/// </remarks>
public static class ObservabilitySetup
{
    public static WebApplicationBuilder AddSizingObservability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSerilog(ConfigureLogger, preserveStaticLogger: true);
        builder.Services.AddSingleton<SizingMetrics>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(BuildInfo.ServiceName, serviceVersion: BuildInfo.Version))
            .WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddProcessInstrumentation()
            .AddMeter(SizingMetrics.MeterName)
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>One log event per request carrying the same <c>TraceId</c> as any problem response; <c>/metrics</c> for Prometheus,
    /// on the management port when one is configured.</summary>
    /// <remarks>Call it first: outside the exception handler, the request log records the status the caller got (413, 500).</remarks>
    public static WebApplication UseSizingObservability(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            options.EnrichDiagnosticContext = (diagnostics, context) => diagnostics.Set("TraceId", ProblemFactory.TraceId(context));
        });
        if (app.Configuration.GetValue<int?>("Observability:MetricsPort") is { } port)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Connection.LocalPort == port && context.Request.Path == "/metrics");
        }
        else
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }

        return app;
    }

    private static void ConfigureLogger(IServiceProvider services, LoggerConfiguration logger)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        logger.ReadFrom.Configuration(configuration).ReadFrom.Services(services).Enrich.FromLogContext();
        if (string.Equals(configuration["Observability:LogFormat"], "json", StringComparison.OrdinalIgnoreCase))
        {
            logger.WriteTo.Console(new RenderedCompactJsonFormatter());
        }
        else
        {
            logger.WriteTo.Console(new EscapingTextFormatter());
        }
    }
}
