using System.Net;
using System.Text;
using System.Text.Json;

namespace Sizing.Api.Tests;

[Collection("api")]
public sealed class RecommendationsApiTests(SizingApiFixture fixture)
{
    private const string Route = "/v1/recommendations";

    [Fact]
    public async Task Post_TpotP99Slo_JudgesTheTailAndSaysWhichTargetDecided()
    {
        // The source article's p99 TPOT target, "under 50 ms p99": the plan must meet TPOT at the 99th percentile, where other
        // requests' prefill chunks slow some decode steps, and it says so.
        const string body = """
            { "model": "llama-3-70b",
              "hardware": { "gpus": ["a100-sxm-80gb"], "maxGpus": 8, "gpusPerNode": 8, "intraNode": "nvswitch" },
              "workload": { "inputTokens": 2048, "outputTokens": 256, "requestsPerSecond": 2 },
              "slo": { "tpotP99Ms": 50 }, "precisions": ["bf16"] }
            """;

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        var best = root.GetProperty("recommendations")[0];
        var latency = best.GetProperty("latency");
        Assert.InRange(latency.GetProperty("tpotP99Ms").GetDouble(), latency.GetProperty("tpotMs").GetDouble(), 50);
        Assert.Contains(best.GetProperty("why").EnumerateArray(), w => w.GetString()!.Contains("the TPOT p99 target decided this plan", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_Llama70bOnEightA100NvLink_RecommendsTensorParallelInsideTheNode()
    {
        // Article scenario 1: Llama-3-70B on one DGX A100 (8 × A100-80GB, NVSwitch). bf16 weights are 131 GiB, so at least
        // two GPUs; TP 2 misses the 50 ms TPOT even with four replicas, two TP 4 replicas run ~47 ms at the load each would
        // carry, and one TP 8 replica on the same 8 GPUs decodes at ~35 ms and ranks first. All of it stays inside the node.
        const string body = """
            { "model": "llama-3-70b",
              "hardware": { "gpus": ["a100-sxm-80gb"], "maxGpus": 8, "gpusPerNode": 8, "intraNode": "nvswitch" },
              "workload": { "inputTokens": 2048, "outputTokens": 256, "requestsPerSecond": 2 },
              "slo": { "ttftMs": 1000, "tpotMs": 50 }, "precisions": ["bf16"] }
            """;

        var (status, contentType, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", contentType);
        var best = root.GetProperty("recommendations")[0];
        Assert.Equal(1, best.GetProperty("rank").GetInt32());
        Assert.Equal("a100-sxm-80gb", best.GetProperty("gpu").GetString());
        Assert.Equal(8, best.GetProperty("parallelism").GetProperty("tensor").GetInt32());
        Assert.Equal(1, best.GetProperty("parallelism").GetProperty("pipeline").GetInt32());
        Assert.Equal(8, best.GetProperty("totalGpus").GetInt32());
        Assert.True(best.GetProperty("meetsSlo").GetBoolean());
        Assert.InRange(best.GetProperty("latency").GetProperty("tpotMs").GetDouble(), 1, 50);
        // 8 GPUs at the catalog's $2.45/h.
        Assert.Equal(19.6, best.GetProperty("costPerHourUsd").GetDouble(), 2);
        Assert.True(best.GetProperty("costPerMillionOutputTokensUsd").GetDouble() > 0);
        Assert.Equal("bf16", best.GetProperty("precision").GetProperty("weights").GetString());
        Assert.True(best.GetProperty("concurrencyPerReplica").GetInt32() > 1);
        var vllm = best.GetProperty("engineArgs").GetProperty("vllm").GetString()!;
        Assert.StartsWith("vllm serve meta-llama/Meta-Llama-3-70B --tensor-parallel-size 8 --pipeline-parallel-size 1", vllm, StringComparison.Ordinal);
        Assert.Contains("--gpu-memory-utilization 0.9 --max-model-len 2304", vllm, StringComparison.Ordinal);
        Assert.Contains("--tp 8", best.GetProperty("engineArgs").GetProperty("sglang").GetString(), StringComparison.Ordinal);
        Assert.Contains("--tp_size 8 --pp_size 1", best.GetProperty("engineArgs").GetProperty("trtllm").GetString(), StringComparison.Ordinal);
        var checklist = Strings(best.GetProperty("checklist"));
        Assert.Contains(checklist, c => c.Contains("NV12", StringComparison.Ordinal));
        Assert.Contains(checklist, c => c.Contains("all_reduce_perf -b 8 -e 8G -f 2 -g 8", StringComparison.Ordinal));
        Assert.Contains(checklist, c => c.StartsWith("KV headroom", StringComparison.Ordinal));
        Assert.Contains(Strings(best.GetProperty("why")), w => w.StartsWith("TP 4 (smaller):", StringComparison.Ordinal) && w.Contains("TPOT", StringComparison.Ordinal));
        Assert.True(root.GetProperty("candidatesEvaluated").GetInt64() > 0);
        Assert.NotEmpty(root.GetProperty("paretoFront").EnumerateArray());
        Assert.Equal("min-cost", root.GetProperty("objective").GetString());
    }

    [Fact]
    public async Task Post_Llama70bOnCrossSocketPcie_StaysAtTp4OrBelowAndSaysWhy()
    {
        // Article scenario 2: the same model on 8 × A100 PCIe in a two-socket server (topo SYS across sockets, ≈ 20 GB/s
        // busbw). TP 8 would spend ~70 % of each decode step in all-reduces and misses the 150 ms TPOT; pipeline stages
        // and TP 2–4 win: the article's "PCIe limits you to TP 2–4, use PP across the slow link".
        const string body = """
            { "model": "llama-3-70b",
              "hardware": { "gpus": ["a100-pcie-80gb"], "maxGpus": 8, "intraNode": "pcie-cross-socket" },
              "workload": { "inputTokens": 2048, "outputTokens": 256, "requestsPerSecond": 1 },
              "slo": { "ttftMs": 2000, "tpotMs": 150 }, "precisions": ["bf16"] }
            """;

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        var plans = root.GetProperty("recommendations").EnumerateArray().ToList();
        Assert.NotEmpty(plans);
        Assert.All(plans, p => Assert.InRange(p.GetProperty("parallelism").GetProperty("tensor").GetInt32(), 1, 4));
        var why = plans.SelectMany(p => Strings(p.GetProperty("why"))).ToList();
        Assert.Contains(why, w => w.Contains("TP 8 all-reduces would take", StringComparison.Ordinal) && w.Contains("cross-socket PCIe", StringComparison.Ordinal));
        Assert.Contains(Strings(plans[0].GetProperty("checklist")), c => c.Contains("SYS", StringComparison.Ordinal));
        var tp8 = root.GetProperty("rejected").EnumerateArray().Single(r =>
            r.GetProperty("parallelism").GetProperty("tensor").GetInt32() == 8 && r.GetProperty("parallelism").GetProperty("pipeline").GetInt32() == 1);
        Assert.Equal("misses-tpot", tp8.GetProperty("reason").GetString());
        Assert.True(tp8.GetProperty("tpotMs").GetDouble() > 150);
    }

    [Fact]
    public async Task Post_MixtralOnFourH100_EvaluatesExpertParallelism()
    {
        // Article scenario 3: Mixtral-8x7B (46.7 B total, 12.9 B active) with expert parallelism on 4 GPUs. bf16 needs two
        // H100s; EP 4 puts 2 whole experts per GPU. Inside the tensor group every rank holds every token, so each MoE layer
        // still ends in one all-reduce (MoeCommunication) and EP is offered beside the TP-sharded experts, not instead of them.
        const string body = """
            { "model": "mixtral-8x7b",
              "hardware": { "gpus": ["h100-sxm-80gb"], "maxGpus": 4 },
              "workload": { "inputTokens": 2048, "outputTokens": 256, "requestsPerSecond": 5 },
              "slo": { "ttftMs": 1000, "tpotMs": 50 }, "precisions": ["bf16"], "limit": 10 }
            """;

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        var plans = root.GetProperty("recommendations").EnumerateArray().ToList();
        var ep = plans.Single(p => p.GetProperty("parallelism").GetProperty("expert").GetInt32() == 4
            && p.GetProperty("parallelism").GetProperty("attentionData").GetInt32() == 1 && p.GetProperty("disaggregation").ValueKind == JsonValueKind.Null);
        Assert.Equal(4, ep.GetProperty("parallelism").GetProperty("tensor").GetInt32());
        Assert.Contains("--enable-expert-parallel", ep.GetProperty("engineArgs").GetProperty("vllm").GetString(), StringComparison.Ordinal);
        Assert.Contains("--ep-size 4", ep.GetProperty("engineArgs").GetProperty("sglang").GetString(), StringComparison.Ordinal);
        Assert.Contains("--ep_size 4", ep.GetProperty("engineArgs").GetProperty("trtllm").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, ep.GetProperty("communication").GetProperty("expertParallel").ValueKind);
        Assert.Contains(Strings(plans[0].GetProperty("why")), w => w.Contains("EP", StringComparison.Ordinal));
        // One H100 cannot hold 87 GiB of bf16 weights.
        Assert.Contains(root.GetProperty("rejected").EnumerateArray(), r => r.GetProperty("reason").GetString() == "does-not-fit"
            && r.GetProperty("parallelism").GetProperty("tensor").GetInt32() == 1);
    }

    [Fact]
    public async Task Post_Llama405b_NeedsMoreThanOneNodeWithPipelineAcrossNodes()
    {
        // Article scenario 4: a 405B model. bf16 weights are 756 GiB, more than eight 80 GB H100s hold once KV and runtime are
        // added, so a replica spans two nodes: TP 8 inside each NVSwitch node, PP 2 across InfiniBand. TP 16 would put every
        // all-reduce on the network and is rejected as spanning nodes.
        const string body = """
            { "model": "llama-3.1-405b",
              "hardware": { "gpus": ["h100-sxm-80gb"], "maxGpus": 32, "gpusPerNode": 8, "intraNode": "nvswitch", "interNode": "infiniband" },
              "workload": { "inputTokens": 2048, "outputTokens": 256, "requestsPerSecond": 1 },
              "slo": { "ttftMs": 3000, "tpotMs": 100 }, "precisions": ["bf16"] }
            """;

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        var best = root.GetProperty("recommendations")[0];
        Assert.Equal(8, best.GetProperty("parallelism").GetProperty("tensor").GetInt32());
        Assert.Equal(2, best.GetProperty("parallelism").GetProperty("pipeline").GetInt32());
        Assert.Equal(16, best.GetProperty("gpusPerReplica").GetInt32());
        Assert.False(best.GetProperty("forcedAcrossNodes").GetBoolean());
        Assert.Contains("--pipeline-parallel-size 2", best.GetProperty("engineArgs").GetProperty("vllm").GetString(), StringComparison.Ordinal);
        Assert.Contains(Strings(best.GetProperty("engineArgs").GetProperty("notes")), n => n.Contains("spans 2 nodes", StringComparison.Ordinal));
        Assert.Contains(Strings(best.GetProperty("checklist")), c => c.Contains("sendrecv_perf", StringComparison.Ordinal));
        Assert.Contains(root.GetProperty("rejected").EnumerateArray(), r => r.GetProperty("reason").GetString() == "spans-nodes");
        Assert.True(root.GetProperty("rejectedByReason").GetProperty("does-not-fit").GetInt32() > 0);
    }

    // The same 405B layout on AWS EFA: the checklist names the fabric, its NICs (p5.48xlarge: 32 × 100 Gb/s, AWS EC2 docs)
    // and the busbw a cross-node sendrecv_perf should show on it.
    [Fact]
    public async Task Post_PipelineAcrossEfaNodes_ChecklistNamesTheFabricAndItsBusBandwidth()
    {
        const string body = """
            { "model": "llama-3.1-405b",
              "hardware": { "gpus": ["h100-sxm-80gb"], "maxGpus": 16, "gpusPerNode": 8, "intraNode": "nvswitch", "interNode": "efa" },
              "workload": { "inputTokens": 2048, "outputTokens": 256, "requestsPerSecond": 1 },
              "slo": { "ttftMs": 3000, "tpotMs": 100 }, "precisions": ["bf16"] }
            """;

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        var best = root.GetProperty("recommendations")[0];
        Assert.Equal(2, best.GetProperty("parallelism").GetProperty("pipeline").GetInt32());
        var hop = Assert.Single(Strings(best.GetProperty("checklist")), c => c.Contains("sendrecv_perf", StringComparison.Ordinal));
        Assert.Contains("efa (32 × 100 Gb/s NICs per node", hop, StringComparison.Ordinal);
        Assert.Matches(@"busbw ≈ \d+ GB/s", hop);
    }

    [Fact]
    public async Task Post_ImpossibleSlo_Returns200WithNoPlanAndClosestMisses()
    {
        const string body = """
            { "model": "llama-3-70b", "hardware": { "gpus": ["h100-sxm-80gb"], "maxGpus": 8 },
              "workload": { "inputTokens": 2048, "outputTokens": 256, "requestsPerSecond": 1 },
              "slo": { "tpotMs": 2 }, "precisions": ["bf16"] }
            """;

        var (status, _, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(root.GetProperty("recommendations").EnumerateArray());
        var closest = root.GetProperty("rejected")[0];
        Assert.Equal("misses-tpot", closest.GetProperty("reason").GetString());
        Assert.Contains("> 2 ms", closest.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains(Strings(root.GetProperty("warnings")), w => w.Contains("closest misses", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "maxGpus": 2000 }, "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 1 } }""", "hardware.maxGpus", "1024")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "maxGpus": 1024 }, "precisions": ["fp32", "fp16", "bf16", "fp8", "int8", "int4", "fp4"], "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 1 } }""", "hardware.maxGpus", "200,000")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpus": ["h999"] }, "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 1 } }""", "hardware.gpus[0]", "h999")]
    [InlineData("""{ "model": "llama-3-70b", "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 0 } }""", "workload.requestsPerSecond", "between 0.001")]
    [InlineData("""{ "model": "llama-3-70b", "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 1 }, "slo": { "tpotMs": -5 } }""", "slo.tpotMs", "between 0.01")]
    [InlineData("""{ "model": "llama-3-70b", "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 5E-324 } }""", "workload.requestsPerSecond", "between 0.001")]
    [InlineData("""{ "model": "llama-3-70b", "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 1 }, "limit": 51 }""", "limit", "50")]
    [InlineData("""{ "model": "llama-3-70b", "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 1 }, "precisions": ["bf17"] }""", "precisions[0]", "bf17")]
    [InlineData("""{ "model": "llama-3-70b", "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 1 }, "objective": "cheapest" }""", "objective", "min-cost")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpus": ["l4"], "intraNode": "nvswitch" }, "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 1 } }""", "hardware.intraNode", "no scale-up link")]
    [InlineData("""{ "model": "llama-3-70b" }""", "workload", "required")]
    public async Task Post_InvalidField_Returns400ProblemNamingIt(string body, string field, string expected)
    {
        var (status, contentType, root) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("traceId").GetString()));
        Assert.True(root.GetProperty("errors").TryGetProperty(field, out var messages), $"errors lacks '{field}': {root.GetProperty("errors")}");
        Assert.Contains(expected, messages[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_ListsRecommendationsAndSweeps()
    {
        using var client = fixture.CreateClient();

        using var json = JsonDocument.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"));

        var paths = json.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty(Route, out _));
        Assert.True(paths.TryGetProperty("/v1/sweeps", out _));
    }

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private Task<JsonReply> PostAsync(string body) => fixture.CreateClient().PostAsync(Route, body);
}
