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
        // The budget starts when the request arrives; the body follows 200 ms later, long after the 1 µs budget's timer has
        // fired, so the work meets a spent budget however fast it would run (a timer racing a quick sweep is not a test).
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["Limits:RequestTimeoutSeconds"] = "0.000001" });
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/v1/sweeps", new LateContent(Sweep, TimeSpan.FromMilliseconds(200)));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        await response.ReadProblemAsync();
    }

    /// <summary>A JSON body its client sends only after a delay, as a slow client does.</summary>
    private sealed class LateContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly TimeSpan _delay;

        public LateContent(string json, TimeSpan delay)
        {
            _bytes = System.Text.Encoding.UTF8.GetBytes(json);
            _delay = delay;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await Task.Delay(_delay);
            await stream.WriteAsync(_bytes);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }

    private static JsonSerializerOptions JsonOptions()
    {
        var options = new JsonSerializerOptions();
        ApiJson.Configure(options);
        return options;
    }
}
