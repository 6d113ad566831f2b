using System.Net;
using System.Text.Json;
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
        // The timeout's timer fires a millisecond or so late: the sweep must outlast it, so it has every value it may have and
        // each point is a MoE model at a large batch.
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["Limits:RequestTimeoutSeconds"] = "0.000001" });
        using var client = factory.CreateClient();
        var values = string.Join(",", Enumerable.Range(1, SweepParameters.MaxValues).Select(i => i * 4));
        var sweep = $$$"""
            {"base":{"model":"deepseek-v3","hardware":{"gpu":"h200-sxm-141gb"},"parallelism":{"tensor":8},"precision":{"weights":"fp8"},
                     "workload":{"inputTokens":4096,"outputTokens":1024}},
             "vary":{"parameter":"concurrency","values":[{{{values}}}]}}
            """;

        using var response = await client.PostJsonAsync("/v1/sweeps", sweep);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        await response.ReadProblemAsync();
    }

    private static JsonSerializerOptions JsonOptions()
    {
        var options = new JsonSerializerOptions();
        ApiJson.Configure(options);
        return options;
    }
}
