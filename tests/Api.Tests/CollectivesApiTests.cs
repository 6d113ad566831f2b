using System.Net;
using System.Text;
using System.Text.Json;

namespace Sizing.Api.Tests;

[Collection("api")]
public sealed class CollectivesApiTests(SizingApiFixture fixture)
{
    private const string Route = "/v1/collectives";

    [Fact]
    public async Task Post_EightH100NvSwitchAllReduceOneGiB_ReturnsNvlsBusBandwidth()
    {
        const string body = """
            { "operation": "all-reduce", "gpu": "h100-sxm-80gb", "gpuCount": 8, "gpusPerNode": 8,
              "intraNode": "nvswitch", "messageBytes": 1073741824 }
            """;

        var (status, contentType, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", contentType);
        // nccl#1455 and nccl-tests#212: ≈480 GB/s NVLS all-reduce busbw on 8×H100 at large sizes; 1 GiB sits just below the plateau.
        Assert.InRange(root.GetProperty("busBandwidthGBps").GetDouble(), 400, 520);
        Assert.Equal("nvls", root.GetProperty("algorithm").GetString());
        Assert.Equal("nccl", root.GetProperty("implementation").GetString());
        Assert.Equal(1, root.GetProperty("nodes").GetInt32());
        Assert.Equal(1.75, root.GetProperty("busFactor").GetDouble(), 3);
        var timeUs = root.GetProperty("timeUs").GetDouble();
        var algbw = root.GetProperty("algorithmBandwidthGBps").GetDouble();
        Assert.Equal(1073741824 / (timeUs * 1e3), algbw, 0.01);
        Assert.Equal(algbw * 1.75, root.GetProperty("busBandwidthGBps").GetDouble(), 0.01);
        Assert.NotEmpty(root.GetProperty("assumptions").EnumerateArray());
    }

    [Fact]
    public async Task Post_TinyAllReduce_IsLatencyBound()
    {
        const string body = """{ "operation": "all-reduce", "gpu": "h100-sxm-80gb", "gpuCount": 8, "messageBytes": 8 }""";

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        var timeUs = root.GetProperty("timeUs").GetDouble();
        var floorUs = root.GetProperty("latencyFloorUs").GetDouble();
        // stasnet-002: 8×H200 32 KiB all-reduce ≈ 17.9 µs; 8 bytes is all latency, nothing of bandwidth.
        Assert.InRange(floorUs, 10, 30);
        Assert.InRange(timeUs - floorUs, 0, 0.01 * floorUs);
        Assert.InRange(root.GetProperty("busBandwidthGBps").GetDouble(), 0, 0.01);
        Assert.Equal("ring", root.GetProperty("algorithm").GetString());
    }

    [Fact]
    public async Task Post_UnknownOperation_Returns400NamingOperation()
    {
        const string body = """{ "operation": "broadcast", "gpu": "h100-sxm-80gb", "gpuCount": 8, "messageBytes": 1024 }""";

        var response = await PostAsync(body);

        var message = HttpJson.AssertValidationProblem(response, "operation");
        Assert.All(
            new[] { "all-reduce", "all-gather", "reduce-scatter", "all-to-all", "send-recv" },
            value => Assert.Contains(value, message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_UnknownGpu_Returns400NamingGpu()
    {
        const string body = """{ "operation": "all-reduce", "gpu": "h999", "gpuCount": 8, "messageBytes": 1024 }""";

        var response = await PostAsync(body);

        var message = HttpJson.AssertValidationProblem(response, "gpu");
        Assert.Contains("h999", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NegativeMessageBytes_Returns400NamingMessageBytes()
    {
        const string body = """{ "operation": "all-gather", "gpu": "h100-sxm-80gb", "gpuCount": 8, "messageBytes": -1 }""";

        var response = await PostAsync(body);

        HttpJson.AssertValidationProblem(response, "messageBytes");
    }

    [Fact]
    public async Task Post_SendRecvOnThreeGpus_Returns400NamingGpuCount()
    {
        const string body = """{ "operation": "send-recv", "gpu": "h100-sxm-80gb", "gpuCount": 3, "messageBytes": 1024 }""";

        var response = await PostAsync(body);

        HttpJson.AssertValidationProblem(response, "gpuCount");
    }

    [Fact]
    public async Task Post_NvSwitchOnGpuWithoutScaleUp_Returns400NamingIntraNode()
    {
        const string body = """{ "operation": "all-reduce", "gpu": "l4", "gpuCount": 8, "intraNode": "nvswitch", "messageBytes": 1024 }""";

        var response = await PostAsync(body);

        var message = HttpJson.AssertValidationProblem(response, "intraNode");
        Assert.Contains("no scale-up link", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("operation")]
    [InlineData("gpu")]
    [InlineData("gpuCount")]
    [InlineData("messageBytes")]
    public async Task Post_EmptyObject_Returns400NamingEachRequiredField(string field)
    {
        const string body = "{}";

        var response = await PostAsync(body);

        var message = HttpJson.AssertValidationProblem(response, field);
        Assert.Contains("required", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_MalformedJson_Returns400ProblemJson()
    {
        const string body = """{ "operation": "all-reduce", "gpu": """;

        var (status, contentType, json) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.True(json.TryGetProperty("traceId", out _));
        Assert.True(json.TryGetProperty("errors", out _));
    }

    private Task<JsonReply> PostAsync(string body) => fixture.CreateClient().PostAsync(Route, body);
}
