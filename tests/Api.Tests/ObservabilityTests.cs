using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace Sizing.Api.Tests;

[Collection("api")]
public sealed class ObservabilityTests(SizingApiFixture api)
{
    [Fact]
    public async Task Metrics_AfterEstimates_ExposeDurationHistogramPerRouteAndValidationFailures()
    {
        using var client = api.CreateClient();
        using var ok = await client.PostJsonAsync("/v1/estimates", ApiRequests.ValidEstimate);
        using var bad = await client.PostJsonAsync("/v1/estimates", """{"workload":{"inputTokens":"many"}}""");

        var text = await ScrapeUntilAsync(client, t => t.Contains("sizing_validation_failures_total", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("http_server_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("http_route=\"v1/estimates\"", text, StringComparison.Ordinal);
        Assert.Contains("sizing_validation_failures_total{otel_scope_name=\"Sizing\",endpoint=\"v1/estimates\"}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterARecommendation_CountCandidatesEvaluated()
    {
        using var client = api.CreateClient();
        using var ok = await client.PostJsonAsync("/v1/recommendations", """
            { "model": "llama-3-8b", "hardware": { "gpus": ["l4"], "maxGpus": 2 },
              "workload": { "inputTokens": 512, "outputTokens": 128, "requestsPerSecond": 1 } }
            """);

        var text = await ScrapeUntilAsync(client, t => t.Contains("sizing_recommendation_candidates_evaluated_total{", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var line = text.Split('\n').First(l => l.StartsWith("sizing_recommendation_candidates_evaluated_total{", StringComparison.Ordinal));
        Assert.True(double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) > 0, line);
    }

    [Fact]
    public async Task ProblemTraceId_MatchesTheRequestLogEvent()
    {
        var sink = new CapturingSink();
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" })
            .WithWebHostBuilder(host => host.ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(sink)));
        using var client = factory.CreateClient();

        using var response = await client.PostJsonAsync("/v1/estimates", """{"model":"no-such-model"}""");
        var traceId = (await response.ReadProblemAsync()).GetProperty("traceId").GetString();
        var logged = await sink.WaitForAsync(e => e.Properties.TryGetValue("TraceId", out var value) && value is ScalarValue { Value: string s } && s == traceId);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("/v1/estimates", logged.RenderMessage(null), StringComparison.Ordinal);
        Assert.Equal(400, ((ScalarValue)logged.Properties["StatusCode"]).Value);
    }

    private static async Task<string> ScrapeUntilAsync(HttpClient client, Func<string, bool> done)
    {
        var text = string.Empty;
        for (var attempt = 0; attempt < 50 && !done(text); attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 100);
            text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }

        return text;
    }

    private sealed class CapturingSink : ILogEventSink
    {
        private readonly ConcurrentQueue<LogEvent> _events = new();

        public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

        public async Task<LogEvent> WaitForAsync(Func<LogEvent, bool> match)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                if (_events.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                await Task.Delay(50);
            }

            throw new Xunit.Sdk.XunitException("no log event matched; got: " + string.Join(" | ", _events.Select(e => e.RenderMessage(null))));
        }
    }
}
