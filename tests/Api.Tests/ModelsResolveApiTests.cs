using System.Net;

namespace Sizing.Api.Tests;

[Collection("api")]
public sealed class ModelsResolveApiTests(SizingApiFixture fixture)
{
    private const string Route = "/v1/models/resolve";

    [Fact]
    public async Task Resolve_Llama3_8bConfig_MatchesTheCatalogEntry()
    {
        const string config = """
            { "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
              "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
              "max_position_embeddings": 8192, "tie_word_embeddings": false, "torch_dtype": "bfloat16" }
            """;

        var reply = await fixture.CreateClient().PostAsync(Route, config);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(8.03e9, reply.Json.GetProperty("totalParameters").GetInt64(), 0.005 * 8.03e9); // docs/formulas.md §1.1
        Assert.Equal(131_072, reply.Json.GetProperty("kvCacheBytesPerToken").GetInt64());          // 2·32·8·128·2 B
        Assert.Equal("gqa", reply.Json.GetProperty("architecture").GetProperty("attention").GetString());
    }

    [Fact]
    public async Task Resolve_DeepSeekV3Config_CountsMlaAndExperts()
    {
        const string config = """
            { "model_type": "deepseek_v3", "hidden_size": 7168, "intermediate_size": 18432, "moe_intermediate_size": 2048,
              "num_hidden_layers": 61, "num_attention_heads": 128, "num_key_value_heads": 128, "vocab_size": 129280,
              "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8, "first_k_dense_replace": 3,
              "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128,
              "max_position_embeddings": 163840, "tie_word_embeddings": false }
            """;

        var reply = await fixture.CreateClient().PostAsync(Route, config);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(671.0e9, reply.Json.GetProperty("totalParameters").GetInt64(), 0.005 * 671.0e9); // DeepSeek README_WEIGHTS: 671B
        Assert.Equal(70_272, reply.Json.GetProperty("kvCacheBytesPerToken").GetInt64());               // 61·576·2 B (docs/formulas.md §1.2)
        Assert.Equal("mla", reply.Json.GetProperty("architecture").GetProperty("attention").GetString());
    }

    [Fact]
    public async Task Resolve_MissingHiddenSize_Returns400NamingTheField()
    {
        const string config = """{ "model_type": "llama", "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000 }""";

        var reply = await fixture.CreateClient().PostAsync(Route, config);

        var message = reply.AssertValidationProblem("hidden_size");
        Assert.Contains("required", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_UnsupportedModelType_Returns400ListingSupportedTypes()
    {
        var reply = await fixture.CreateClient().PostAsync(Route, """{ "model_type": "mamba", "hidden_size": 2560 }""");

        var message = reply.AssertValidationProblem("model_type");
        Assert.Contains("llama", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_NotAnObject_Returns400()
    {
        var reply = await fixture.CreateClient().PostAsync(Route, "[1, 2, 3]");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
    }
}
