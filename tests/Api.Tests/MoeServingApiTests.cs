using System.Net;
using System.Text.Json;

namespace Sizing.Api.Tests;

/// <summary>Issue 10 through the API: DP attention with wide EP, prefill/decode disaggregation and speculative decoding, as the
/// engines configure them (docs/moe-parallelism.md).</summary>
[Collection("api")]
public sealed class MoeServingApiTests(SizingApiFixture fixture)
{
    private const string Route = "/v1/estimates";

    private static string DeepSeek(string parallelism, string gpu = "h200-sxm-141gb", string model = "deepseek-r1", string engine = "sglang", int concurrency = 256) => $$"""
        { "model": "{{model}}", "hardware": { "gpu": "{{gpu}}", "gpusPerNode": 8 }, "parallelism": {{parallelism}},
          "precision": { "weights": "fp8" }, "workload": { "inputTokens": 2048, "outputTokens": 1024, "concurrency": {{concurrency}} },
          "engine": "{{engine}}" }
        """;

    [Fact]
    public async Task Post_Tensor1Data8Expert8_IsOneEngineWithDpAttentionAndReportsRanksKvAndAllToAll()
    {
        // SGLang --tp 8 --dp 8 --enable-dp-attention --ep-size 8; TensorRT-LLM "DEP8" (docs/moe-parallelism.md §1).
        var reply = await fixture.CreateClient().PostAsync(Route, DeepSeek("""{ "tensor": 1, "data": 8, "expert": 8 }"""));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var json = reply.Json;
        Assert.True(json.GetProperty("fits").GetBoolean(), json.GetProperty("warnings").ToString());
        Assert.Equal(8, json.GetProperty("gpusPerReplica").GetInt32());
        Assert.Equal(8, json.GetProperty("totalGpus").GetInt32());
        var dp = json.GetProperty("communication").GetProperty("dataParallelAttention");
        Assert.Equal(8, dp.GetProperty("ranksPerReplica").GetInt32());
        Assert.Equal(1, dp.GetProperty("replicas").GetInt32());
        Assert.Equal(256 / 8.0, dp.GetProperty("sequencesPerRank").GetDouble(), 1); // each request on one rank
        Assert.False(dp.GetProperty("attentionAllReduce").GetBoolean());
        Assert.True(dp.GetProperty("kvCacheGiBPerGpu").GetDouble() > 0);
        var ep = json.GetProperty("communication").GetProperty("expertParallel");
        Assert.Equal("allgather-reducescatter", ep.GetProperty("exchange").GetString()); // SGLang without --moe-a2a-backend
        Assert.True(ep.GetProperty("dispatchBytesPerLayer").GetInt64() > 0);
        Assert.True(ep.GetProperty("allToAllUsPerLayer").GetDouble() > 0);
        Assert.Equal(32, ep.GetProperty("expertsPerGpu").GetInt32()); // 256 experts over EP 8
        Assert.Equal(JsonValueKind.Null, json.GetProperty("communication").GetProperty("tensorParallel").ValueKind); // attention TP 1
    }

    [Fact]
    public async Task Post_Tensor8Data4Expert32_SpansFourNodesWithDeepEp()
    {
        // SGLang --tp 32 --dp 4 --enable-dp-attention --ep-size 32 --nnodes 4 --moe-a2a-backend deepep; vLLM -tp 8 -dp 4 --enable-expert-parallel.
        var reply = await fixture.CreateClient().PostAsync(Route,
            DeepSeek("""{ "tensor": 8, "data": 4, "expert": 32, "moeExchange": "deepep" }""", gpu: "h100-sxm-80gb", model: "deepseek-v3"));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var json = reply.Json;
        Assert.True(json.GetProperty("fits").GetBoolean(), json.GetProperty("warnings").ToString());
        Assert.Equal(32, json.GetProperty("gpusPerReplica").GetInt32());
        var ep = json.GetProperty("communication").GetProperty("expertParallel");
        Assert.Equal("deepep", ep.GetProperty("exchange").GetString());
        Assert.Equal("deepep low-latency", ep.GetProperty("kernel").GetString());
        Assert.Equal(4, ep.GetProperty("groupNodes").GetInt32());
        Assert.Equal(0.75, ep.GetProperty("interNodeShare").GetDouble(), 3); // three of four nodes hold other ranks' experts
        Assert.Equal(8, ep.GetProperty("expertsPerGpu").GetInt32());
        Assert.True(ep.GetProperty("prefillAllToAllUsPerLayer").GetDouble() > 0);
        var dp = json.GetProperty("communication").GetProperty("dataParallelAttention");
        Assert.Equal(4, dp.GetProperty("ranksPerReplica").GetInt32());
        Assert.True(dp.GetProperty("attentionAllReduce").GetBoolean()); // attention TP 8 inside each rank
        Assert.NotEqual(JsonValueKind.Null, json.GetProperty("communication").GetProperty("tensorParallel").ValueKind);
    }

    [Theory]
    [InlineData("""{ "tensor": 1, "data": 8, "attentionData": 3, "expert": 8 }""", "parallelism.attentionData")]
    [InlineData("""{ "tensor": 8, "expert": 1, "redundantExperts": 32 }""", "parallelism.redundantExperts")]
    [InlineData("""{ "tensor": 8, "attentionData": 0 }""", "parallelism.attentionData")]
    [InlineData("""{ "tensor": 8, "data": 8, "expert": 8, "moeExchange": "all-reduce" }""", "parallelism.moeExchange")]
    public async Task Post_DegreesThatContradictEachOther_Are400NamingTheField(string parallelism, string field)
    {
        var reply = await fixture.CreateClient().PostAsync(Route, DeepSeek(parallelism));

        reply.AssertValidationProblem(field);
    }

    [Theory]
    [InlineData("""{ "tensor": 8, "data": 4, "expert": 32 }""", "trtllm", "TensorRT-LLM's enable_attention_dp")] // attention TP 1 only
    [InlineData("""{ "tensor": 2, "data": 8, "attentionData": 8, "expert": 8 }""", "vllm", "vLLM's --enable-expert-parallel sets EP = DP × TP")]
    [InlineData("""{ "tensor": 1, "data": 8, "expert": 8 }""", "trtllm", "")] // TensorRT-LLM DEP8 runs
    [InlineData("""{ "tensor": 1, "data": 24, "expert": 24 }""", "vllm", "")] // vLLM spreads 256 experts unevenly
    [InlineData("""{ "tensor": 1, "data": 24, "expert": 24 }""", "sglang", "256 experts are not divisible by expert parallel 24")]
    public async Task Post_LayoutAnEngineRefuses_IsFitsFalseWithTheEnginesReason(string parallelism, string engine, string reason)
    {
        var reply = await fixture.CreateClient().PostAsync(Route, DeepSeek(parallelism, engine: engine));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var warnings = reply.Json.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToList();
        if (reason.Length == 0)
        {
            Assert.DoesNotContain(warnings, w => w.StartsWith("invalid", StringComparison.Ordinal) || w.Contains("is not a", StringComparison.Ordinal));
            return;
        }

        Assert.False(reply.Json.GetProperty("fits").GetBoolean());
        Assert.Contains(warnings, w => w.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweep_OverExpertUnderDpAttention_AnswersEachPointLikeAnEstimate()
    {
        // The same validation for every parameter: a degree the engine refuses is a point with fits false, not an error.
        var reply = await fixture.CreateClient().PostAsync("/v1/sweeps", $$"""
            { "base": {{DeepSeek("""{ "tensor": 1, "data": 8, "attentionData": 8 }""", engine: "vllm")}},
              "vary": { "parameter": "expert", "values": [1, 4, 8] } }
            """);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var points = reply.Json.GetProperty("points");
        Assert.True(points[0].GetProperty("fits").GetBoolean());  // vLLM -dp 8 without EP
        Assert.False(points[1].GetProperty("fits").GetBoolean()); // vLLM has no EP-size flag
        Assert.Contains("vLLM", points[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(points[2].GetProperty("fits").GetBoolean());  // -dp 8 --enable-expert-parallel
    }

    private const string Disaggregated = """
        { "model": "deepseek-v3", "hardware": { "gpu": "h100-sxm-80gb", "gpusPerNode": 8 }, "precision": { "weights": "fp8" },
          "workload": { "inputTokens": 2000, "outputTokens": 1000, "requestsPerSecond": 50 }, "engine": "sglang",
          "disaggregation": {
            "prefill": { "parallelism": { "tensor": 1, "data": 32, "expert": 32, "redundantExperts": 32, "moeExchange": "deepep" }, "instances": 1 },
            "decode": { "parallelism": { "tensor": 1, "data": 72, "expert": 72, "redundantExperts": 32, "moeExchange": "deepep" }, "instances": 1 },
            "kvLink": "infiniband" } }
        """;

    [Fact]
    public async Task Post_Disaggregated_ReportsBothPoolsPerGpuAndPerNode_AndTtftIsQueuePlusPrefillPlusTransfer()
    {
        // The lmsys 2025-05-05 split (EP32 prefill on 4 nodes, EP72 decode on 9 nodes with 288 expert slots).
        var reply = await fixture.CreateClient().PostAsync(Route, Disaggregated);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var json = reply.Json;
        Assert.True(json.GetProperty("fits").GetBoolean(), json.GetProperty("warnings").ToString());
        var d = json.GetProperty("disaggregation");
        Assert.Equal(104, d.GetProperty("totalGpus").GetInt32());
        Assert.Equal(104, json.GetProperty("totalGpus").GetInt32());
        Assert.Equal(72, json.GetProperty("gpusPerReplica").GetInt32()); // one decode instance
        var prefill = d.GetProperty("prefill");
        var decode = d.GetProperty("decode");
        Assert.Equal(4, prefill.GetProperty("nodes").GetInt32());
        Assert.Equal(9, decode.GetProperty("nodes").GetInt32());
        Assert.Equal(50 * 2000, prefill.GetProperty("tokensPerSecond").GetDouble(), 1);
        Assert.Equal(50 * 2000 / 32.0, prefill.GetProperty("tokensPerSecondPerGpu").GetDouble(), 1);
        Assert.Equal(50 * 2000 / 4.0, prefill.GetProperty("tokensPerSecondPerNode").GetDouble(), 1);
        Assert.Equal(50 * 1000 / 72.0, decode.GetProperty("tokensPerSecondPerGpu").GetDouble(), 1);
        Assert.Equal(50 * 1000 / 9.0, decode.GetProperty("tokensPerSecondPerNode").GetDouble(), 1);
        Assert.True(decode.GetProperty("capacityTokensPerSecondPerNode").GetDouble() > decode.GetProperty("tokensPerSecondPerNode").GetDouble());
        Assert.Equal(
            d.GetProperty("queueMs").GetDouble() + d.GetProperty("prefillMs").GetDouble() + d.GetProperty("transferMs").GetDouble(),
            d.GetProperty("ttftMs").GetDouble(), 0.01);
        Assert.Equal(d.GetProperty("ttftMs").GetDouble(), json.GetProperty("latency").GetProperty("ttftMs").GetDouble(), 0.01);
        Assert.Equal(d.GetProperty("tpotMs").GetDouble(), json.GetProperty("latency").GetProperty("tpotMs").GetDouble(), 0.01);
        var ratio = prefill.GetProperty("capacityRequestsPerSecond").GetDouble() / decode.GetProperty("capacityRequestsPerSecond").GetDouble();
        Assert.Equal(ratio, d.GetProperty("rateMatch").GetDouble(), 3);
        // MLA: 61 layers × 576 latent elements × 2 bytes (bf16 KV) × 2000 prompt tokens.
        Assert.Equal(61L * 576 * 2 * 2000, d.GetProperty("kvTransfer").GetProperty("bytesPerRequest").GetInt64());
        Assert.True(d.GetProperty("kvTransfer").GetProperty("transferMs").GetDouble() > 0);
    }

    [Fact]
    public async Task Post_DisaggregatedBeyondThePrefillPool_IsFitsFalseWithNoQueueFigure()
    {
        var body = Disaggregated.Replace("\"requestsPerSecond\": 50", "\"requestsPerSecond\": 400", StringComparison.Ordinal);

        var reply = await fixture.CreateClient().PostAsync(Route, body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(reply.Json.GetProperty("fits").GetBoolean());
        Assert.Equal(JsonValueKind.Null, reply.Json.GetProperty("disaggregation").GetProperty("ttftMs").ValueKind);
        Assert.Equal(JsonValueKind.Null, reply.Json.GetProperty("latency").ValueKind);
        Assert.Contains(reply.Json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("the prefill pool saturates", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"requestsPerSecond\": 50", "\"concurrency\": 50", "workload.requestsPerSecond")]
    [InlineData("\"engine\": \"sglang\",", "\"engine\": \"sglang\", \"parallelism\": { \"tensor\": 8 },", "parallelism")]
    [InlineData("\"instances\": 1 },\n    \"decode\"", "\"instances\": 0 },\n    \"decode\"", "disaggregation.prefill.instances")]
    public async Task Post_DisaggregationMissingWhatItNeeds_Is400NamingTheField(string from, string to, string field)
    {
        var body = Disaggregated.Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Contains(from, body, StringComparison.Ordinal);

        var reply = await fixture.CreateClient().PostAsync(Route, body.Replace(from, to, StringComparison.Ordinal));

        reply.AssertValidationProblem(field);
    }

    [Fact]
    public async Task Post_MtpWithoutARate_UsesTheDocumentedDefaultAndPaysAtSmallBatch()
    {
        var body = DeepSeek("""{ "tensor": 8 }""", concurrency: 4).Replace("\"engine\": \"sglang\"", "\"engine\": \"sglang\", \"speculative\": { \"method\": \"mtp\" }", StringComparison.Ordinal);

        var reply = await fixture.CreateClient().PostAsync(Route, body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var s = reply.Json.GetProperty("speculative");
        Assert.Equal(0.85, s.GetProperty("acceptanceRate").GetDouble()); // DeepSeek-V3 report §5.4.3
        Assert.Contains("DeepSeek-V3 technical report", s.GetProperty("acceptanceRateSource").GetString(), StringComparison.Ordinal);
        Assert.Equal(1.85, s.GetProperty("tokensPerStep").GetDouble(), 3);  // 1 + a (Leviathan et al. 2023, k = 1)
        Assert.True(s.GetProperty("pays").GetBoolean());
        Assert.Equal(s.GetProperty("stepMs").GetDouble() / s.GetProperty("tokensPerStep").GetDouble(), s.GetProperty("tpotMs").GetDouble(), 0.01);
        Assert.True(s.GetProperty("draftWeightsGiBPerGpu").GetDouble() > 1); // a 14B MTP module in FP8 over 8 GPUs
    }

    [Fact]
    public async Task Post_MtpOnAModelWithoutMtpModules_IsFitsFalseWithTheReason()
    {
        const string body = """
            { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 4 },
              "workload": { "inputTokens": 1024, "outputTokens": 256, "concurrency": 8 }, "speculative": { "method": "mtp" } }
            """;

        var reply = await fixture.CreateClient().PostAsync(Route, body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(reply.Json.GetProperty("fits").GetBoolean());
        Assert.Contains(reply.Json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("num_nextn_predict_layers", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "method": "eagle", "draftTokens": 3 }""", "speculative.acceptanceRate")]
    [InlineData("""{ "method": "draft", "draftTokens": 3, "acceptanceRate": 0.7 }""", "speculative.draftModel")]
    [InlineData("""{ "method": "mtp", "acceptanceRate": 1.5 }""", "speculative.acceptanceRate")]
    [InlineData("""{ "method": "mtp", "draftTokens": 17 }""", "speculative.draftTokens")]
    public async Task Post_SpeculationMissingWhatItNeeds_Is400NamingTheField(string speculative, string field)
    {
        var body = DeepSeek("""{ "tensor": 8 }""").Replace("\"engine\": \"sglang\"", "\"engine\": \"sglang\", \"speculative\": " + speculative, StringComparison.Ordinal);

        var reply = await fixture.CreateClient().PostAsync(Route, body);

        reply.AssertValidationProblem(field);
    }

    [Fact]
    public async Task Post_EagleDraftingThreeTokensAtHighBatch_ReportsThatItStopsPaying()
    {
        // TensorRT-LLM docs: "Speculation is most effective at low batch sizes"; a dense 70B model at batch 1,024 with short
        // sequences is compute-bound, so the verify step of k + 1 tokens costs more than the tokens it yields.
        const string body = """
            { "model": "llama-3.1-70b", "hardware": { "gpu": "h200-sxm-141gb", "gpusPerNode": 8 }, "parallelism": { "tensor": 8 },
              "precision": { "weights": "fp8" }, "workload": { "inputTokens": 512, "outputTokens": 256, "concurrency": 1024 },
              "engine": "sglang", "maxNumSeqs": 1024, "speculative": { "method": "eagle", "draftTokens": 3, "acceptanceRate": 0.6 } }
            """;

        var reply = await fixture.CreateClient().PostAsync(Route, body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var s = reply.Json.GetProperty("speculative");
        Assert.False(s.GetProperty("pays").GetBoolean(), s.ToString());
        Assert.True(s.GetProperty("verifyStepMs").GetDouble() > s.GetProperty("breakEvenVerifyStepMs").GetDouble());
    }

    [Fact]
    public async Task Recommend_DeepSeekV3At100RpsOn256H100_ReturnsDpAttentionAndDisaggregatedPlansWithTheirPools()
    {
        // Issue 10: this request was answered "no deployment meets the SLO"; lmsys 2025-05-05 serves this class of load on 96 H100.
        var reply = await fixture.CreateClient().PostAsync("/v1/recommendations", """
            { "model": "deepseek-v3", "hardware": { "gpus": ["h100-sxm-80gb"], "maxGpus": 256 },
              "workload": { "inputTokens": 2000, "outputTokens": 1000, "requestsPerSecond": 100 },
              "slo": { "ttftMs": 2000, "tpotMs": 50 }, "precisions": ["fp8"], "engine": "sglang", "limit": 10 }
            """);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(reply.Json.GetProperty("truncated").GetBoolean());
        var plans = reply.Json.GetProperty("recommendations").EnumerateArray().ToList();
        Assert.NotEmpty(plans);
        var dp = plans.First(p => p.GetProperty("parallelism").GetProperty("attentionData").GetInt32() > 1);
        Assert.Equal(dp.GetProperty("gpusPerReplica").GetInt32() * dp.GetProperty("replicas").GetInt32(), dp.GetProperty("totalGpus").GetInt32());
        Assert.Contains("--enable-dp-attention", dp.GetProperty("engineArgs").GetProperty("sglang").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, dp.GetProperty("communication").GetProperty("dataParallelAttention").ValueKind);

        var split = plans.First(p => p.GetProperty("disaggregation").ValueKind != JsonValueKind.Null);
        var d = split.GetProperty("disaggregation");
        Assert.Equal(d.GetProperty("totalGpus").GetInt32(), split.GetProperty("totalGpus").GetInt32());
        Assert.Equal(d.GetProperty("prefill").GetProperty("gpus").GetInt32() + d.GetProperty("decode").GetProperty("gpus").GetInt32(), d.GetProperty("totalGpus").GetInt32());
        Assert.True(d.GetProperty("decode").GetProperty("tokensPerSecondPerNode").GetDouble() > 0);
        Assert.Equal(3, split.GetProperty("engineArgs").GetProperty("sglang").GetString()!.Split('\n').Length);
        Assert.All(plans, p => Assert.Contains(p.GetProperty("why").EnumerateArray(), w => w.GetString()!.StartsWith("decided by min-cost", StringComparison.Ordinal)));
    }
}
