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

    // nccl-tests sendrecv_perf -g 3: each rank sends to the next, a ring of pairs, with bus factor 1 (doc/PERFORMANCE.md).
    [Fact]
    public async Task Post_SendRecvOnThreeGpus_ReturnsARingOfPairs()
    {
        const string body = """{ "operation": "send-recv", "gpu": "h100-sxm-80gb", "gpuCount": 3, "messageBytes": 1073741824 }""";

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("p2p", root.GetProperty("algorithm").GetString());
        Assert.Equal(1.0, root.GetProperty("busFactor").GetDouble(), 3);
        Assert.Equal(root.GetProperty("algorithmBandwidthGBps").GetDouble(), root.GetProperty("busBandwidthGBps").GetDouble(), 3);
    }

    [Theory]
    [InlineData("efa")]
    [InlineData("tcpx")]
    [InlineData("tcpxo")]
    [InlineData("infiniband-ndr")]
    [InlineData("infiniband-hdr")]
    public async Task Post_NamedFabricAcrossNodes_ReportsThatFabricsConstants(string fabric)
    {
        var body = $$"""{ "operation": "all-reduce", "gpu": "h100-sxm-80gb", "gpuCount": 16, "gpusPerNode": 8, "interNode": "{{fabric}}", "messageBytes": 1073741824 }""";

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, root.GetProperty("nodes").GetInt32());
        var names = root.GetProperty("assumptions").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList();
        Assert.Contains($"communication.{fabric}.nic-line-rate", names);
    }

    // GCP A3 High (4 × 200 Gb/s) against A3 Mega (8 × 200 Gb/s): the same TCPX class, twice the NICs. A ring is bound by the
    // node's NICs, so doubling them nearly doubles a large ring all-reduce's busbw.
    [Fact]
    public async Task Post_MoreNicsPerNode_RaisesANetworkBoundRing()
    {
        const string template = """{ "operation": "all-reduce", "gpu": "h100-sxm-80gb", "gpuCount": 16, "gpusPerNode": 8, "interNode": "tcpx", "algorithm": "ring", "nicsPerNode": NICS, "messageBytes": 8589934592 }""";

        var (fourStatus, _, four) = await PostAsync(template.Replace("NICS", "4", StringComparison.Ordinal));
        var (eightStatus, _, eight) = await PostAsync(template.Replace("NICS", "8", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, fourStatus);
        Assert.Equal(HttpStatusCode.OK, eightStatus);
        var ratio = eight.GetProperty("busBandwidthGBps").GetDouble() / four.GetProperty("busBandwidthGBps").GetDouble();
        Assert.InRange(ratio, 1.8, 2.0);
        Assert.Equal("hierarchical-ring", four.GetProperty("algorithm").GetString());
    }

    [Theory]
    [InlineData("""{ "operation": "all-reduce", "gpu": "h100-sxm-80gb", "gpuCount": 16, "nicsPerNode": 0, "messageBytes": 1024 }""", "nicsPerNode")]
    [InlineData("""{ "operation": "all-reduce", "gpu": "h100-sxm-80gb", "gpuCount": 16, "nicGbps": -400, "messageBytes": 1024 }""", "nicGbps")]
    [InlineData("""{ "operation": "all-reduce", "gpu": "h100-sxm-80gb", "gpuCount": 16, "nicGbps": 1e300, "messageBytes": 1024 }""", "nicGbps")]
    [InlineData("""{ "operation": "all-reduce", "gpu": "h100-sxm-80gb", "gpuCount": 16, "algorithm": "collnet", "messageBytes": 1024 }""", "algorithm")]
    [InlineData("""{ "operation": "all-reduce", "gpu": "h100-sxm-80gb", "gpuCount": 16, "interNode": "omni-path", "messageBytes": 1024 }""", "interNode")]
    public async Task Post_InvalidFabricField_Returns400NamingIt(string body, string field)
    {
        var response = await PostAsync(body);

        HttpJson.AssertValidationProblem(response, field);
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
