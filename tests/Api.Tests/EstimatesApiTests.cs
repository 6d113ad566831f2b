using System.Net;

namespace Sizing.Api.Tests;

[Collection("api")]
public sealed class EstimatesApiTests(SizingApiFixture fixture)
{
    private const string Route = "/v1/estimates";

    private const string Llama70bTp4 = """
        { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 4 },
          "precision": { "weights": "bf16", "kvCache": "bf16" },
          "workload": { "inputTokens": 2048, "outputTokens": 256, "concurrency": 64 }, "engine": "vllm" }
        """;

    [Fact]
    public async Task Post_Llama3_70bTp4OnH100_ReturnsMemoryLatencyAndThroughput()
    {
        var reply = await fixture.CreateClient().PostAsync(Route, Llama70bTp4);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("application/json", reply.ContentType);
        var json = reply.Json;
        Assert.True(json.GetProperty("fits").GetBoolean());
        Assert.Equal(64, json.GetProperty("concurrency").GetInt32());
        var perGpu = json.GetProperty("memory").GetProperty("perGpu");
        Assert.Equal(32.86, perGpu.GetProperty("weightsGiB").GetDouble(), 0.05); // 141.11 GB / 4 (docs/formulas.md §3)
        Assert.Equal(81_920, json.GetProperty("memory").GetProperty("kvCacheBytesPerTokenPerGpu").GetDouble()); // 80 KiB at TP 4
        var total = perGpu.GetProperty("weightsGiB").GetDouble() + perGpu.GetProperty("kvCacheGiB").GetDouble()
            + perGpu.GetProperty("activationsGiB").GetDouble() + perGpu.GetProperty("runtimeOverheadGiB").GetDouble();
        Assert.Equal(total, perGpu.GetProperty("totalGiB").GetDouble(), 0.01);
        Assert.True(json.GetProperty("latency").GetProperty("tpotMs").GetDouble() > 0);
        Assert.True(json.GetProperty("throughput").GetProperty("outputTokensPerSecond").GetDouble() > 0);
        Assert.Equal(160, json.GetProperty("communication").GetProperty("tensorParallel").GetProperty("allReducesPerStep").GetInt32());
        Assert.Contains(json.GetProperty("assumptions").EnumerateArray(), a => a.GetProperty("name").GetString() == "sequenceStepUs");
    }

    [Fact]
    public async Task Post_Llama3_70bBf16OnOneH100_Returns200WithFitsFalseAndReasons()
    {
        const string body = """
            { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 2048, "outputTokens": 256 } }
            """;

        var reply = await fixture.CreateClient().PostAsync(Route, body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(reply.Json.GetProperty("fits").GetBoolean());
        Assert.Contains(reply.Json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("no KV cache", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_MoreClientsThanTheEngineRuns_Returns200ThatQueuesWithAWarning()
    {
        // Issue 9: past capacity is an answer with the queue in it, not figures as if every sequence were resident.
        const string body = """
            { "model": "llama-3.1-8b", "hardware": { "gpu": "h100-sxm-80gb" }, "maxNumSeqs": 64,
              "workload": { "inputTokens": 1024, "outputTokens": 256, "concurrency": 256 } }
            """;

        var reply = await fixture.CreateClient().PostAsync(Route, body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var load = reply.Json.GetProperty("load");
        Assert.True(load.GetProperty("queues").GetBoolean());
        Assert.Equal(64, load.GetProperty("capacity").GetInt32());
        Assert.Equal(192, load.GetProperty("waiting").GetDouble());
        Assert.Contains(reply.Json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("past capacity", StringComparison.Ordinal));
        var ttft = reply.Json.GetProperty("latency").GetProperty("ttftPercentilesMs");
        Assert.True(ttft.GetProperty("p50").GetDouble() <= ttft.GetProperty("p99").GetDouble());
    }

    [Theory]
    [InlineData("continuous-concurrency", null, "waves")]
    [InlineData("continuous-rate", "\"requestsPerSecond\": 2,", "rate")]
    [InlineData("continuous-rate", null, "burst")]
    [InlineData("offline-max", "\"numPrompts\": 500,", "burst")]
    public async Task Post_BenchmarkBatchingNames_AreAcceptedAndSayHowLoadArrives(string batching, string? extra, string arrival)
    {
        var body = $$"""
            { "model": "llama-3.1-8b", "hardware": { "gpu": "h100-sxm-80gb" },
              "workload": { "inputTokens": 512, "outputTokens": 128, {{extra}} "batching": "{{batching}}" } }
            """;

        var reply = await fixture.CreateClient().PostAsync(Route, body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(arrival, reply.Json.GetProperty("load").GetProperty("arrival").GetString());
    }

    [Fact]
    public async Task Post_BurstOfAThousand_WaitsLongerThanTheSameClientsInSteadyState()
    {
        const string burst = """
            { "model": "llama-3.1-8b", "hardware": { "gpu": "h100-sxm-80gb" }, "maxNumSeqs": 128,
              "workload": { "inputTokens": 512, "outputTokens": 256, "arrival": "burst", "numPrompts": 1000 } }
            """;
        const string steady = """
            { "model": "llama-3.1-8b", "hardware": { "gpu": "h100-sxm-80gb" }, "maxNumSeqs": 128,
              "workload": { "inputTokens": 512, "outputTokens": 256, "concurrency": 128 } }
            """;

        var b = await fixture.CreateClient().PostAsync(Route, burst);
        var s = await fixture.CreateClient().PostAsync(Route, steady);

        Assert.Equal(HttpStatusCode.OK, b.Status);
        Assert.True(b.Json.GetProperty("latency").GetProperty("ttftMs").GetDouble() > s.Json.GetProperty("latency").GetProperty("ttftMs").GetDouble() * 10);
    }

    [Fact]
    public async Task Post_ModelConfigInsteadOfId_IsEstimatedTheSame()
    {
        const string body = """
            { "modelConfig": { "model_type": "llama", "hidden_size": 8192, "intermediate_size": 28672, "num_hidden_layers": 80,
                "num_attention_heads": 64, "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 8192,
                "tie_word_embeddings": false },
              "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 4 },
              "workload": { "inputTokens": 2048, "outputTokens": 256, "concurrency": 64 } }
            """;

        var byConfig = await fixture.CreateClient().PostAsync(Route, body);
        var byId = await fixture.CreateClient().PostAsync(Route, Llama70bTp4);

        Assert.Equal(HttpStatusCode.OK, byConfig.Status);
        Assert.Equal(
            byId.Json.GetProperty("memory").GetProperty("perGpu").GetProperty("weightsGiB").GetDouble(),
            byConfig.Json.GetProperty("memory").GetProperty("perGpu").GetProperty("weightsGiB").GetDouble());
    }

    [Theory]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" } }""", "workload")]
    [InlineData("""{ "model": "llama-3-70b", "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "hardware")]
    [InlineData("""{ "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "model")]
    [InlineData("""{ "model": "llama-9", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "model")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100" }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "hardware.gpu")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "hardware.gpu")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "l4", "intraNode": "nvswitch" }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "hardware.intraNode")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb", "gpusPerNode": 0 }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "hardware.gpusPerNode")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 1, "outputTokens": 1, "batching": "dynamic" } }""", "workload.batching")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 1, "outputTokens": 1, "arrival": "poisson" } }""", "workload.arrival")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 0 } }""", "workload.requestsPerSecond")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 1, "outputTokens": 1, "numPrompts": 0 } }""", "workload.numPrompts")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb", "interNode": "carrier-pigeon" }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "hardware.interNode")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb", "nicsPerNode": 65 }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "hardware.nicsPerNode")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb", "nicGbps": 0 }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "hardware.nicGbps")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 0 }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "parallelism.tensor")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "pipeline": 100000 }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "parallelism.pipeline")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "precision": { "weights": "fp6" }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "precision.weights")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "precision": { "kvCache": "fp4" }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "precision.kvCache")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": -5, "outputTokens": 1 } }""", "workload.inputTokens")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 10, "outputTokens": 1, "concurrency": 0 } }""", "workload.concurrency")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 10, "outputTokens": 1, "batching": "dynamic" } }""", "workload.batching")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 10, "outputTokens": 1 }, "engine": "tgi" }""", "engine")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 10, "outputTokens": 1 }, "gpuMemoryUtilization": 1.5 }""", "gpuMemoryUtilization")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 10, "outputTokens": 1 }, "engineVersion": "newest" }""", "engineVersion")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 100, "outputTokens": 100 }, "maxModelLength": 50 }""", "maxModelLength")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": "many", "outputTokens": 1 } }""", "workload.inputTokens")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensr": 4 }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "parallelism.tensr")]
    [InlineData("""{ "modelConfig": { "model_type": "llama" }, "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""", "modelConfig.hidden_size")]
    public async Task Post_InvalidField_Returns400ProblemNamingTheField(string body, string field)
    {
        var reply = await fixture.CreateClient().PostAsync(Route, body);

        var message = reply.AssertValidationProblem(field);
        Assert.False(string.IsNullOrWhiteSpace(message));
    }

    [Fact]
    public async Task Post_Fp4KvCacheOnHopper_Returns400SayingItNeedsBlackwell()
    {
        var reply = await fixture.CreateClient().PostAsync(Route,
            """{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "precision": { "kvCache": "fp4" }, "workload": { "inputTokens": 1, "outputTokens": 1 } }""");

        var message = reply.AssertValidationProblem("precision.kvCache");
        Assert.Contains("needs Blackwell", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Nvfp4WeightsOnMi300x_Returns200WithFitsFalseAndTheReason()
    {
        var reply = await fixture.CreateClient().PostAsync(Route,
            """{ "model": "deepseek-r1", "hardware": { "gpu": "mi300x" }, "parallelism": { "tensor": 8, "expert": 8 }, "precision": { "weights": "fp4" }, "workload": { "inputTokens": 1024, "outputTokens": 128 } }""");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(reply.Json.GetProperty("fits").GetBoolean());
        Assert.Contains(reply.Json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("ROCm has no NVFP4 kernels", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_EngineVersion_FollowsThatReleasesSamplerWarmUpAndNamesIt()
    {
        // llm-d-planner vLLM 0.19.0 log: 1.89 GiB peak activation for Llama-3.1-8B; a 0.10 release sorts the whole vocabulary (≈ 4.8 GiB).
        const string Body = """
            { "model": "llama-3.1-8b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 4096, "outputTokens": 4096 },
              "maxModelLength": 8192, "gpuMemoryUtilization": 0.95, "engineVersion": "VERSION" }
            """;
        var client = fixture.CreateClient();

        var recent = await client.PostAsync(Route, Body.Replace("VERSION", "0.19.0", StringComparison.Ordinal));
        var older = await client.PostAsync(Route, Body.Replace("VERSION", "0.10.2", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, recent.Status);
        var memory = recent.Json.GetProperty("memory");
        Assert.Equal("vllm 0.19.0", memory.GetProperty("engine").GetString());
        Assert.Equal(1.89, memory.GetProperty("perGpu").GetProperty("activationsGiB").GetDouble(), 0.1);
        Assert.Equal(476_016, memory.GetProperty("kvCacheCapacityTokens").GetInt64(), 476_016 * 0.01); // "GPU KV cache size: 476,016 tokens"
        Assert.True(older.Json.GetProperty("memory").GetProperty("perGpu").GetProperty("activationsGiB").GetDouble() > 4.5);
    }

    [Fact]
    public async Task Post_EmptyKvPool_IsA200ThatNamesTheSettingThatWouldFit()
    {
        const string Body = """
            { "model": "gpt-oss-120b", "hardware": { "gpu": "h100-sxm-80gb" }, "precision": { "weights": "fp4" },
              "workload": { "inputTokens": 8192, "outputTokens": 8192 }, "engineVersion": "0.10.2" }
            """;

        var reply = await fixture.CreateClient().PostAsync(Route, Body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(reply.Json.GetProperty("fits").GetBoolean());
        Assert.Contains(reply.Json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("lower maxNumSeqs to ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "model": "llama-3-70b", """)]
    [InlineData("")]
    [InlineData("not json")]
    public async Task Post_MalformedJson_Returns400ProblemJson(string body)
    {
        var reply = await fixture.CreateClient().PostAsync(Route, body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task Post_TensorParallelNotDividingHeads_IsAnAnswerNotAnError()
    {
        const string body = """
            { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 6 },
              "workload": { "inputTokens": 128, "outputTokens": 128 } }
            """;

        var reply = await fixture.CreateClient().PostAsync(Route, body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(reply.Json.GetProperty("fits").GetBoolean());
        Assert.Contains(reply.Json.GetProperty("warnings").EnumerateArray(),
            w => w.GetString()!.Contains("64 attention heads are not divisible by tensor parallel 6", StringComparison.Ordinal));
    }
}
