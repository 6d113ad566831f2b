using System.Net;
using System.Text;

namespace Sizing.Api.Tests;

[Collection("api")]
public sealed class LimitsTests(SizingApiFixture api)
{
    [Fact]
    public async Task Estimate_BodyOver256KiB_Returns413ProblemJson()
    {
        await using var factory = SizingApiFixture.CreateFactory();
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        using var client = factory.CreateClient();
        var body = "{\"model\":\"" + new string('x', 300 * 1024) + "\"}";

        using var response = await client.PostJsonAsync("/v1/estimates", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Estimate_OverTheRateLimit_Returns429ProblemJson()
    {
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:PermitLimit"] = "2",
            ["RateLimiting:WindowSeconds"] = "60",
        });
        using var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            using var allowed = await client.PostJsonAsync("/v1/estimates", ApiRequests.ValidEstimate);
            statuses.Add(allowed.StatusCode);
        }

        using var rejected = await client.PostJsonAsync("/v1/estimates", ApiRequests.ValidEstimate);
        using var health = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        await rejected.ReadProblemAsync();
        Assert.True(rejected.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Sweep_BeyondTheClientsComputeBudget_Returns429WhileCheapRequestsStillPass()
    {
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:PermitLimit"] = "100",
            ["RateLimiting:WindowSeconds"] = "60",
            ["RateLimiting:CostUnitsPerWindow"] = "300",
        });
        using var client = factory.CreateClient();
        var sweep = "{\"base\":" + ApiRequests.ValidEstimate + ",\"vary\":{\"parameter\":\"concurrency\",\"values\":[" + string.Join(',', Enumerable.Range(1, 200)) + "]}}";

        using var first = await client.PostJsonAsync("/v1/sweeps", sweep);   // 200 of the 300 units
        using var second = await client.PostJsonAsync("/v1/sweeps", sweep);  // 200 more: over the budget
        using var estimate = await client.PostJsonAsync("/v1/estimates", ApiRequests.ValidEstimate); // 1 unit, counted per request

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains("200 compute units", (await second.ReadProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(second.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, estimate.StatusCode);
    }

    [Fact]
    public async Task RateLimiting_OffByDefault_ManyRequestsSucceed()
    {
        using var client = api.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 150; i++)
        {
            using var response = await client.GetAsync(new Uri("/v1/gpus/h100-sxm-80gb", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Theory]
    [InlineData("https://dash.example.com", true)]
    [InlineData("https://elsewhere.example.com", false)]
    public async Task Preflight_FromConfiguredOrigin_IsAllowedAndOthersAreNot(string origin, bool allowed)
    {
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "https://dash.example.com" });
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/estimates");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var response = await client.SendAsync(request);

        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
    }

    [Fact]
    public async Task Estimate_JsonNestedDeeperThan64_Returns400NamingTheDepth()
    {
        using var client = api.CreateClient();
        var nested = new StringBuilder("{\"model\":\"llama-3-70b\",\"modelConfig\":");
        nested.Insert(nested.Length, "{\"a\":", 100).Append('1').Append('}', 100).Append('}');

        using var response = await client.PostJsonAsync("/v1/estimates", nested.ToString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Contains("nested too deeply", problem.GetProperty("errors").ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task HealthProbes_Return200(string path)
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
