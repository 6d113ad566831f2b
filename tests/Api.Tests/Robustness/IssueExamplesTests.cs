using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Sizing.Api.Tests.Robustness;

/// <summary>Each request of the robustness report (issue 12), answered as it should be: bounded, never a 5xx, no impossible number.</summary>
[Collection("api")]
public sealed class IssueExamplesTests(SizingApiFixture api)
{
    /// <summary>Mixtral-8x7B's published config.json (mistralai/Mixtral-8x7B-v0.1).</summary>
    private const string Mixtral = """
        "model_type":"mixtral","hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,"num_attention_heads":32,
        "num_key_value_heads":8,"vocab_size":32000,"num_local_experts":8,"num_experts_per_tok":2,"max_position_embeddings":32768
        """;

    /// <summary>Qwen2-57B-A14B's published config.json (Qwen/Qwen2-57B-A14B), which lists its dense layers in mlp_only_layers.</summary>
    private const string QwenMoe = """
        "model_type":"qwen2_moe","hidden_size":3584,"intermediate_size":18944,"num_hidden_layers":28,"num_attention_heads":28,
        "num_key_value_heads":4,"vocab_size":151936,"num_experts":64,"num_experts_per_tok":8,"moe_intermediate_size":2560,
        "shared_expert_intermediate_size":20480,"decoder_sparse_step":1,"max_position_embeddings":131072
        """;

    private const string H100 = """ "hardware":{"gpu":"h100-sxm-80gb"} """;

    [Fact]
    public async Task Estimate_MixtralConfigWithTenMillionLayers_Returns400NamingTheLayerCountAtOnce()
    {
        var watch = Stopwatch.StartNew();
        var reply = await PostEstimateAsync(Config(Mixtral.Replace("\"num_hidden_layers\":32", "\"num_hidden_layers\":10000000", StringComparison.Ordinal)));

        Assert.Contains("no larger than 1,024", reply.AssertValidationProblem("modelConfig.num_hidden_layers"), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Sweep_BaseConfigListing120000MlpOnlyLayers_Returns400NamingTheList()
    {
        var layers = string.Join(',', Enumerable.Repeat(1, 120_000)); // 241 KB, as in the report
        var config = "{" + QwenMoe + ",\"mlp_only_layers\":[" + layers + "]}";
        var body = "{\"base\":{\"modelConfig\":" + config + "," + H100 + ",\"workload\":{\"inputTokens\":1024,\"outputTokens\":128}},"
            + "\"vary\":{\"parameter\":\"concurrency\",\"values\":[1,2,4]}}";
        Assert.True(body.Length is > 200_000 and < 262_144, "the body stays under the 256 KiB request limit");

        var reply = await api.CreateClient().PostAsync("/v1/sweeps", body);

        Assert.Contains("lists 120,000 entries but the model has 28 layers", reply.AssertValidationProblem("base.modelConfig.mlp_only_layers"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"maxNumBatchedTokens\":524288", 524_288)]
    [InlineData("\"maxNumSeqs\":1500,\"maxNumBatchedTokens\":131072", 131_072)]
    [InlineData("\"maxNumBatchedTokens\":1048576", 1_048_576)]
    public async Task Estimate_LargePublishedSchedulerLimits_Returns200WithFiniteActivations(string settings, int batchedTokens)
    {
        var reply = await PostEstimateAsync($$"""
            "model":"llama-3-70b",{{H100}},"parallelism":{"tensor":4},"workload":{"inputTokens":2048,"outputTokens":256},{{settings}}
            """);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var memory = reply.Json.GetProperty("memory");
        Assert.Equal(batchedTokens, memory.GetProperty("maxNumBatchedTokens").GetInt32());

        // The forward pass keeps 3·I/tp + 3·h 16-bit values per batched token (92 KB for the 70B at TP 4, MemoryEstimator), the
        // sampler 38.2 B per sequence × vocabulary: the peak grows linearly with the batched tokens and stays finite.
        var activations = memory.GetProperty("perGpu").GetProperty("activationsGiB").GetDouble();
        Assert.InRange(activations / batchedTokens, 1e-5, 1e-3);
    }

    [Fact]
    public async Task Estimate_TwoTokenSequencesOnHundredsOfDpRanks_Returns200WithTheSchedulersCap()
    {
        // Found by the schema fuzz: 853 DP-attention ranks, each pool holding millions of 2-token sequences, made the
        // resident count overflow a 32-bit integer (a 500). The engine runs at most max_num_seqs per rank.
        var reply = await PostEstimateAsync("""
            "model":"qwen2-7b-instruct","hardware":{"gpu":"h100-nvl-94gb"},"parallelism":{"pipeline":4,"attentionData":853},
            "workload":{"inputTokens":1,"outputTokens":1},"engine":"generic","maxNumSeqs":2048
            """);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var memory = reply.Json.GetProperty("memory");
        Assert.True(memory.GetProperty("maxConcurrentSequences").GetDouble() > int.MaxValue);
        Assert.Equal(2048 * 853, reply.Json.GetProperty("concurrency").GetInt32());
    }

    [Fact]
    public async Task Estimate_WholeContextStepsOnHundredsOfDpRanks_Returns200()
    {
        // Found by the schema fuzz: without chunked prefill a step holds the whole 2.7M-token context, and 867 DP-attention
        // ranks summed those budgets past 32 bits (a 500).
        var reply = await PostEstimateAsync("""
            "model":"llama-3-8b","hardware":{"gpu":"a100-sxm-80gb"},"parallelism":{"attentionData":867},
            "workload":{"inputTokens":262144,"outputTokens":388690,"requestsPerSecond":0.5},"engine":"sglang",
            "maxModelLength":2747792,"chunkedPrefill":false
            """);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(2_747_792, reply.Json.GetProperty("memory").GetProperty("maxNumBatchedTokens").GetInt32());
    }

    [Fact]
    public async Task Estimate_262144TokenPromptOn70BWithoutChunkedPrefill_Returns200ProfilingTheWholePrompt()
    {
        var reply = await PostEstimateAsync($$"""
            "model":"llama-3-70b",{{H100}},"parallelism":{"tensor":8},"workload":{"inputTokens":262144,"outputTokens":256},"chunkedPrefill":false
            """);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(262_144 + 256, reply.Json.GetProperty("memory").GetProperty("maxNumBatchedTokens").GetInt32());
        Assert.True(reply.Json.GetProperty("memory").GetProperty("perGpu").GetProperty("activationsGiB").GetDouble() > 0);
    }

    [Theory]
    // The issue's own examples ("infiniband-hdr", "NVSwitch") are accepted now: the HDR class exists and names are read in any case.
    [InlineData("interNode", "infiniband-xdr")]
    [InlineData("intraNode", "NVSwitch5")]
    public async Task Recommendation_UnknownLinkName_Returns400NamingTheField(string field, string value)
    {
        var reply = await api.CreateClient().PostAsync("/v1/recommendations",
            "{\"model\":\"llama-3-70b\",\"hardware\":{\"" + field + "\":\"" + value + "\"},\"workload\":{\"inputTokens\":2048,\"outputTokens\":256,\"requestsPerSecond\":10}}");

        Assert.Contains("must be one of", reply.AssertValidationProblem("hardware." + field), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/recommendations", """{"model":"llama-3-70b","gpuMemoryUtilization":5e-324,"workload":{"inputTokens":2048,"outputTokens":256,"requestsPerSecond":10}}""", "gpuMemoryUtilization")]
    [InlineData("/v1/estimates", """{"model":"llama-3-70b","gpuMemoryUtilization":5e-324,"hardware":{"gpu":"h100-sxm-80gb"},"workload":{"inputTokens":2048,"outputTokens":256}}""", "gpuMemoryUtilization")]
    [InlineData("/v1/sweeps", """{"base":{"model":"llama-3-70b","hardware":{"gpu":"h100-sxm-80gb"},"workload":{"inputTokens":2048,"outputTokens":256}},"vary":{"parameter":"gpuMemoryUtilization","values":[0.9,5e-324]}}""", "vary.values[1]")]
    public async Task DenormalGpuMemoryUtilization_Returns400NamingTheField(string path, string body, string field)
    {
        var reply = await api.CreateClient().PostAsync(path, body);

        Assert.Contains("between 0.01 and 1", reply.AssertValidationProblem(field), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_EveryLayerListedInMlpOnlyLayers_IsADenseModel()
    {
        var dense = await Resolve(QwenMoe + ",\"mlp_only_layers\":[" + string.Join(',', Enumerable.Range(0, 28)) + "]");

        Assert.Equal(HttpStatusCode.OK, dense.Status);
        var architecture = dense.Json.GetProperty("architecture");
        Assert.Equal(0, architecture.GetProperty("experts").GetInt32());
        Assert.Equal(dense.Json.GetProperty("totalParameters").GetInt64(), dense.Json.GetProperty("activeParameters").GetInt64());
    }

    [Fact]
    public async Task Resolve_LayerTypesLongerThanTheLayers_Returns400NamingLayerTypes()
    {
        var reply = await Resolve("""
            "model_type":"qwen3","hidden_size":2048,"intermediate_size":6144,"num_hidden_layers":2,"num_attention_heads":16,
            "num_key_value_heads":8,"head_dim":128,"vocab_size":151936,"sliding_window":1,"use_sliding_window":true,
            "layer_types":["sliding_attention","sliding_attention","sliding_attention"]
            """);

        Assert.Contains("lists 3 entries but the model has 2 layers", reply.AssertValidationProblem("layer_types"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_HiddenSizeBelowTheHeadCount_Returns400InsteadOfAZeroHeadDimension()
    {
        var reply = await Resolve("""
            "model_type":"llama","hidden_size":16,"intermediate_size":64,"num_hidden_layers":2,"num_attention_heads":32,"vocab_size":1000
            """);

        Assert.Contains("head dimension of 0", reply.AssertValidationProblem("head_dim"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("num_hidden_layers", 1_000_000_000)]
    [InlineData("hidden_size", 1_000_000_000)]
    [InlineData("vocab_size", 1_000_000_000)]
    [InlineData("num_local_experts", 1_000_000)]
    public async Task Resolve_DimensionBeyondAnyModel_Returns400NamingIt(string field, int value)
    {
        var reply = await Resolve(SetField(Mixtral, field, value));

        Assert.Contains("must be a positive integer no larger than", reply.AssertValidationProblem(field), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_DimensionsEachWithinBoundsButAbsurdTogether_Returns400StatingTheParameterCount()
    {
        // 1,024 layers × 4,096 experts × 3 × 65,536 × 262,144 ≈ 2.2e17 parameters: each field inside its bound, the product no model.
        var config = """
            "model_type":"mixtral","hidden_size":65536,"intermediate_size":262144,"num_hidden_layers":1024,"num_attention_heads":64,
            "num_key_value_heads":8,"vocab_size":32000,"num_local_experts":4096,"num_experts_per_tok":2
            """;

        var reply = await Resolve(config);

        Assert.Contains("parameters, more than the 1e13", reply.AssertValidationProblem("config"), StringComparison.Ordinal);
    }

    private async Task<JsonReply> PostEstimateAsync(string fields) =>
        await api.CreateClient().PostAsync("/v1/estimates", "{" + fields + "}");

    private async Task<JsonReply> Resolve(string fields) =>
        await api.CreateClient().PostAsync("/v1/models/resolve", "{" + fields + "}");

    private static string Config(string fields) =>
        $$"""
        "modelConfig":{{{fields}}},{{H100}},"workload":{"inputTokens":1024,"outputTokens":128}
        """;

    private static string SetField(string fields, string field, int value)
    {
        var json = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("{" + fields + "}")!;
        var builder = new StringBuilder();
        foreach (var (key, element) in json)
        {
            builder.Append(builder.Length > 0 ? "," : "").Append('"').Append(key).Append("\":").Append(key == field ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : element.GetRawText());
        }

        return builder.ToString();
    }
}
