using System.Net;
using System.Text;
using System.Text.Json;

namespace Sizing.Api.Tests;

[Collection("api")]
public sealed class SweepsApiTests(SizingApiFixture fixture)
{
    private const string Route = "/v1/sweeps";

    private const string Base = """
        { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 4 },
          "workload": { "inputTokens": 2048, "outputTokens": 256 } }
        """;

    [Fact]
    public async Task Post_ConcurrencySweep_ThroughputRisesUntilSaturation()
    {
        var body = $$"""{ "base": {{Base}}, "vary": { "parameter": "concurrency", "values": [1, 2, 4, 8, 16, 32, 64, 128] } }""";

        var (status, contentType, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", contentType);
        Assert.Equal("concurrency", root.GetProperty("parameter").GetString());
        var points = root.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128], points.Select(p => p.GetProperty("value").GetDouble()));
        Assert.All(points, p => Assert.True(p.GetProperty("fits").GetBoolean()));
        // More requests in flight ⇒ more output tokens per second, while decode stays memory-bound (well below the KV limit).
        var throughput = points.Select(p => p.GetProperty("outputTokensPerSecond").GetDouble()).ToList();
        Assert.True(throughput.Zip(throughput.Skip(1)).All(t => t.Second > t.First), string.Join(", ", throughput));
        // …and each user sees a slower decode.
        var tpot = points.Select(p => p.GetProperty("tpotMs").GetDouble()).ToList();
        Assert.True(tpot.Zip(tpot.Skip(1)).All(t => t.Second >= t.First));
        Assert.All(points, p => Assert.True(p.GetProperty("weightsGiB").GetDouble() > 30));
    }

    [Fact]
    public async Task Post_PipelineSweep_NeverLowersTpot()
    {
        // One request in flight: a token's latency (docs/formulas.md §1.8). Concurrency must be fixed, or each point runs at its own
        // KV-limited maximum; at high concurrency the extra stages' GPUs also share the prompt work mixed into each step.
        const string fixedLoad = """
            { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 4 },
              "workload": { "inputTokens": 2048, "outputTokens": 256, "concurrency": 1 } }
            """;
        var body = $$"""{ "base": {{fixedLoad}}, "vary": { "parameter": "pipeline", "values": [1, 2, 4] } }""";

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        var tpot = root.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("tpotMs").GetDouble()).ToList();
        // A token still crosses every layer, plus the hops (docs/formulas.md §1.8): PP adds memory and throughput, not speed.
        Assert.True(tpot[1] >= tpot[0] && tpot[2] >= tpot[1], string.Join(", ", tpot));
    }

    [Fact]
    public async Task Post_TensorSweepThroughOneGpu_ReportsTheMisfitAsAPoint()
    {
        var body = $$"""{ "base": {{Base}}, "vary": { "parameter": "tensor", "values": [1, 8] } }""";

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        var points = root.GetProperty("points");
        Assert.False(points[0].GetProperty("fits").GetBoolean());
        Assert.False(string.IsNullOrEmpty(points[0].GetProperty("reason").GetString()));
        Assert.True(points[1].GetProperty("fits").GetBoolean());
        Assert.Equal(JsonValueKind.Null, points[1].GetProperty("reason").ValueKind);
    }

    [Theory]
    [InlineData("concurrency", "[1, 0]", "vary.values[1]", "between 1")]
    [InlineData("concurrency", "[1.5]", "vary.values[0]", "whole numbers")]
    [InlineData("gpuMemoryUtilization", "[0.9, 1.2]", "vary.values[1]", "between 0.01 and 1")]
    [InlineData("tensor", "[2048]", "vary.values[0]", "1,024")]
    [InlineData("batch", "[1]", "vary.parameter", "concurrency | expert")]
    [InlineData("concurrency", "[]", "vary.values", "1 to 256")]
    public async Task Post_InvalidVary_Returns400NamingTheValue(string parameter, string values, string field, string expected)
    {
        var body = $$"""{ "base": {{Base}}, "vary": { "parameter": "{{parameter}}", "values": {{values}} } }""";

        var (status, contentType, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.True(root.GetProperty("errors").TryGetProperty(field, out var messages), $"errors lacks '{field}': {root.GetProperty("errors")}");
        Assert.Contains(expected, messages[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TooManyValues_Returns400()
    {
        var values = string.Join(", ", Enumerable.Range(1, 257));
        var body = $$"""{ "base": {{Base}}, "vary": { "parameter": "concurrency", "values": [{{values}}] } }""";

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(root.GetProperty("errors").TryGetProperty("vary.values", out _));
    }

    [Fact]
    public async Task Post_InvalidBase_Returns400NamingTheBaseField()
    {
        const string body = """
            { "base": { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 0, "outputTokens": 256 } },
              "vary": { "parameter": "concurrency", "values": [1] } }
            """;

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(root.GetProperty("errors").TryGetProperty("base.workload.inputTokens", out _), root.GetProperty("errors").ToString());
    }

    private Task<JsonReply> PostAsync(string body) => fixture.CreateClient().PostAsync(Route, body);
}
