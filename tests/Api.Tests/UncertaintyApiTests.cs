using System.Net;
using System.Text.Json;

namespace Sizing.Api.Tests;

/// <summary>Every predicted figure carries its error band: the cross-validated error of comparable measured rows.</summary>
[Collection("api")]
public sealed class UncertaintyApiTests(SizingApiFixture fixture)
{
    private const string Llama70bTp4Trtllm = """
        { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 4 },
          "workload": { "inputTokens": 2048, "outputTokens": 256, "concurrency": 64 }, "engine": "trtllm" }
        """;

    [Fact]
    public async Task PostEstimate_EveryBand_BracketsItsFigureAndNamesItsRows()
    {
        var reply = await fixture.CreateClient().PostAsync("/v1/estimates", Llama70bTp4Trtllm);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var json = reply.Json;
        var u = json.GetProperty("uncertainty");
        AssertBrackets(u.GetProperty("ttftMs"), json.GetProperty("latency").GetProperty("ttftMs").GetDouble());
        AssertBrackets(u.GetProperty("tpotMs"), json.GetProperty("latency").GetProperty("tpotMs").GetDouble());
        AssertBrackets(u.GetProperty("e2eMs"), json.GetProperty("latency").GetProperty("e2eMs").GetDouble());
        AssertBrackets(u.GetProperty("outputTokensPerSecond"), json.GetProperty("throughput").GetProperty("outputTokensPerSecond").GetDouble());
        AssertBrackets(u.GetProperty("outputTokensPerSecondPerUser"), json.GetProperty("throughput").GetProperty("outputTokensPerSecondPerUser").GetDouble());
        var perGpu = json.GetProperty("memory").GetProperty("perGpu");
        AssertBrackets(u.GetProperty("weightsGiB"), perGpu.GetProperty("weightsGiB").GetDouble());
        AssertBrackets(u.GetProperty("kvCachePoolGiB"), perGpu.GetProperty("kvCachePoolGiB").GetDouble());
        AssertBrackets(u.GetProperty("activationsGiB"), perGpu.GetProperty("activationsGiB").GetDouble());
        var throughput = u.GetProperty("outputTokensPerSecond");
        Assert.True(throughput.GetProperty("calibrated").GetBoolean()); // TensorRT-LLM throughput rows on Hopper exist
        Assert.Contains("trtllm", throughput.GetProperty("basis").GetString(), StringComparison.Ordinal);
        Assert.True(throughput.GetProperty("errorP90Pct").GetDouble() >= throughput.GetProperty("errorP50Pct").GetDouble());
    }

    [Fact]
    public async Task PostEstimate_Assumptions_StateTheirBasis()
    {
        var reply = await fixture.CreateClient().PostAsync("/v1/estimates", Llama70bTp4Trtllm);

        var assumptions = reply.Json.GetProperty("assumptions").EnumerateArray().ToList();
        Assert.All(assumptions, a => Assert.Contains(a.GetProperty("basis").GetString(), new[] { "measured", "fit", "assumption" }));
        // TensorRT-LLM's layer floor is identified by two sources (its own performance docs, dstack): too few to count as a fit.
        var floor = assumptions.Single(a => a.GetProperty("name").GetString() == "layerFloorUs");
        Assert.Equal("assumption", floor.GetProperty("basis").GetString());
        Assert.Contains("fewer than 3", floor.GetProperty("source").GetString(), StringComparison.Ordinal);
        // The sustained compute share is fitted to the serving rows of every engine; the GPU's GEMM facts are measured.
        Assert.Equal("fit", assumptions.Single(a => a.GetProperty("name").GetString() == "sustainedComputeShare").GetProperty("basis").GetString());
        Assert.Equal("measured", assumptions.Single(a => a.GetProperty("name").GetString() == "attentionShare").GetProperty("basis").GetString());
        // NCCL's launch latency is fitted to NVSwitch rows of five sources.
        var launch = assumptions.Single(a => a.GetProperty("name").GetString() == "communication.nccl.launch-latency");
        Assert.Equal("fit", launch.GetProperty("basis").GetString());
        Assert.StartsWith("fit: ", launch.GetProperty("source").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostCollective_TimeAndBusBandwidth_CarryBands()
    {
        var reply = await fixture.CreateClient().PostAsync("/v1/collectives",
            """{"operation":"all-reduce","gpu":"h100-sxm-80gb","gpuCount":8,"messageBytes":1073741824}""");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var u = reply.Json.GetProperty("uncertainty");
        AssertBrackets(u.GetProperty("timeUs"), reply.Json.GetProperty("timeUs").GetDouble());
        AssertBrackets(u.GetProperty("busBandwidthGBps"), reply.Json.GetProperty("busBandwidthGBps").GetDouble());
        Assert.Contains("nccl", u.GetProperty("timeUs").GetProperty("basis").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostEstimate_Percentiles_CarryTheirFamilysBandAroundEachPercentile()
    {
        // A closed loop past the KV capacity: a queue, so the TTFT tail is far from its median; each percentile's band is the
        // family's (the same ratios and rows) around that percentile.
        var reply = await fixture.CreateClient().PostAsync("/v1/estimates", """
            { "model": "llama-3-8b", "hardware": { "gpu": "l4" },
              "workload": { "inputTokens": 2048, "outputTokens": 512, "concurrency": 256 } }
            """);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var latency = reply.Json.GetProperty("latency");
        var u = reply.Json.GetProperty("uncertainty");
        foreach (var (figure, percentiles) in new[] { ("ttftMs", "ttftPercentilesMs"), ("tpotMs", "tpotPercentilesMs") })
        {
            var family = u.GetProperty(figure);
            var mean = latency.GetProperty(figure).GetDouble();
            foreach (var p in new[] { "p50", "p90", "p99" })
            {
                var value = latency.GetProperty(percentiles).GetProperty(p).GetDouble();
                var band = u.GetProperty(percentiles).GetProperty(p);
                AssertBrackets(band, value);
                Assert.Equal(family.GetProperty("rows").GetInt32(), band.GetProperty("rows").GetInt32());
                Assert.Equal(family.GetProperty("basis").GetString(), band.GetProperty("basis").GetString());
                Assert.Equal(family.GetProperty("high").GetDouble() / mean, band.GetProperty("high").GetDouble() / value, 2);
            }
        }

        Assert.True(reply.Json.GetProperty("load").GetProperty("queues").GetBoolean());
    }

    [Fact]
    public async Task PostEstimate_DeploymentThatDoesNotFit_HasMemoryBandsButNoLatencyOrThroughputBands()
    {
        // 70B bf16 weights (~131 GiB) on one 80 GB GPU: no latency or throughput figures, so no bands for them either.
        var reply = await fixture.CreateClient().PostAsync("/v1/estimates", """
            { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 128, "outputTokens": 128 } }
            """);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(reply.Json.GetProperty("fits").GetBoolean());
        var u = reply.Json.GetProperty("uncertainty");
        foreach (var figure in new[] { "ttftMs", "tpotMs", "e2eMs", "ttftPercentilesMs", "tpotPercentilesMs", "outputTokensPerSecond", "outputTokensPerSecondPerUser" })
        {
            Assert.Equal(JsonValueKind.Null, u.GetProperty(figure).ValueKind);
        }

        AssertBrackets(u.GetProperty("weightsGiB"), reply.Json.GetProperty("memory").GetProperty("perGpu").GetProperty("weightsGiB").GetDouble());
    }

    [Fact]
    public async Task PostSweep_EveryPoint_HasFlatLowAndHighEdges()
    {
        const string body = """
            { "base": { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 4 },
                        "workload": { "inputTokens": 2048, "outputTokens": 256 } },
              "vary": { "parameter": "concurrency", "values": [1, 16, 64] } }
            """;

        var reply = await fixture.CreateClient().PostAsync("/v1/sweeps", body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        foreach (var point in reply.Json.GetProperty("points").EnumerateArray())
        {
            foreach (var series in new[] { "ttftMs", "tpotMs", "e2eMs", "outputTokensPerSecond", "outputTokensPerSecondPerGpu", "outputTokensPerSecondPerUser", "weightsGiB", "kvCachePoolGiB" })
            {
                var value = point.GetProperty(series).GetDouble();
                Assert.InRange(value, point.GetProperty(series + "Low").GetDouble() - 0.001, point.GetProperty(series + "High").GetDouble() + 0.001);
            }
        }
    }

    [Fact]
    public async Task PostRecommendation_Plans_CarryBandsAndJudgeTheSloAtThePessimisticEdge()
    {
        const string body = """
            { "model": "llama-3-70b", "hardware": { "gpus": ["h100-sxm-80gb"], "maxGpus": 8 },
              "workload": { "inputTokens": 2048, "outputTokens": 256, "requestsPerSecond": 2 },
              "slo": { "ttftMs": 2000, "tpotMs": 60 }, "precisions": ["bf16"], "engine": "trtllm" }
            """;

        var reply = await fixture.CreateClient().PostAsync("/v1/recommendations", body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var plans = reply.Json.GetProperty("recommendations").EnumerateArray().ToList();
        Assert.NotEmpty(plans);
        foreach (var plan in plans)
        {
            var tpot = plan.GetProperty("latency").GetProperty("tpotMs").GetDouble();
            var band = plan.GetProperty("uncertainty").GetProperty("tpotMs");
            AssertBrackets(band, tpot);
            AssertBrackets(plan.GetProperty("uncertainty").GetProperty("ttftP99Ms"), plan.GetProperty("latency").GetProperty("ttftP99Ms").GetDouble());
            AssertBrackets(plan.GetProperty("uncertainty").GetProperty("tpotP99Ms"), plan.GetProperty("latency").GetProperty("tpotP99Ms").GetDouble());
            var slo = plan.GetProperty("why")[0].GetString()!;
            Assert.Contains("pessimistic edge", slo, StringComparison.Ordinal);
            var acrossBand = band.GetProperty("high").GetDouble() <= 60
                && plan.GetProperty("uncertainty").GetProperty("ttftMs").GetProperty("high").GetDouble() <= 2000;
            Assert.Equal(acrossBand, plan.GetProperty("meetsSloAcrossBand").GetBoolean());
            Assert.Equal(acrossBand, !slo.Contains("only at the optimistic side", StringComparison.Ordinal));
        }
    }

    private static void AssertBrackets(JsonElement band, double value)
    {
        Assert.InRange(value, band.GetProperty("low").GetDouble() - 0.001, band.GetProperty("high").GetDouble() + 0.001);
        Assert.True(band.GetProperty("rows").GetInt32() > 0, band.ToString());
        Assert.False(string.IsNullOrWhiteSpace(band.GetProperty("basis").GetString()));
    }
}
