using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Contracts.Sweeps;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Tests.Robustness;

/// <summary>The request budget is checked inside the work, so a request is answered when its budget is spent, not after.</summary>
public sealed class BudgetTests
{
    private const string Sweep = """
        {"base":{"model":"llama-3-70b","hardware":{"gpu":"h100-sxm-80gb"},"parallelism":{"tensor":4},"workload":{"inputTokens":2048,"outputTokens":256}},
         "vary":{"parameter":"concurrency","values":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}}
        """;

    [Fact]
    public void SweepRun_BudgetAlreadySpent_StopsBeforeTheFirstPoint()
    {
        var request = JsonSerializer.Deserialize<SweepRequest>(Sweep, JsonOptions())!;

        Assert.ThrowsAny<OperationCanceledException>(() =>
            request.Run(HardwareCatalog.BuiltIn, new ModelConfigCache(), new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Sweep_WithABudgetShorterThanItsWork_Returns504ProblemJson()
    {
        // The budget starts when the request enters the pipeline; a test filter holds the action 200 ms, long after the 1 µs
        // budget's timer has fired, so the sweep meets a spent budget however fast it would run (a timer racing a quick sweep
        // is not a test).
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["Limits:RequestTimeoutSeconds"] = "0.000001" })
            .WithWebHostBuilder(host => host.ConfigureTestServices(services =>
                services.Configure<MvcOptions>(mvc => mvc.Filters.Add(new LateAction(TimeSpan.FromMilliseconds(200))))));
        using var client = factory.CreateClient();

        using var response = await client.PostJsonAsync("/v1/sweeps", Sweep);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        await response.ReadProblemAsync();
    }

    /// <summary>Starts each action only after a delay, inside the request's budget.</summary>
    private sealed class LateAction(TimeSpan delay) : IAsyncActionFilter
    {
        public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
        {
            await Task.Delay(delay);
            await next();
        }
    }

    private static JsonSerializerOptions JsonOptions()
    {
        var options = new JsonSerializerOptions();
        ApiJson.Configure(options);
        return options;
    }
}
