using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Sizing.Api.Tests.Fuzzing;

/// <summary>Thousands of malformed and edge requests against every POST endpoint: never a 5xx, always problem+json.</summary>
/// <remarks>
/// To fuzz a new endpoint, add a row to <see cref="Endpoints"/> with a valid body (it must answer 200). <c>FreeForm</c> names the field holding arbitrary JSON
/// (a Hugging Face config; <c>$</c> when it is the whole body): a token that is not JSON inside it can only be reported
/// at that field, since the parser never binds what is inside to a member.
/// </remarks>
[Collection("api")]
public sealed class FuzzTests(SizingApiFixture api, ITestOutputHelper output)
{
    private const int Seed = 20_260_101;
    private const int RandomRequestsPerBody = 600;

    private static readonly string LlamaConfig = """
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":8192,"intermediate_size":28672,"num_hidden_layers":80,
         "num_attention_heads":64,"num_key_value_heads":8,"vocab_size":128256,"max_position_embeddings":8192,"rope_theta":500000.0,
         "rms_norm_eps":1e-05,"tie_word_embeddings":false,"torch_dtype":"bfloat16"}
        """;

    private static readonly (string Path, string ValidBody, string? FreeForm)[] Endpoints =
    [
        ("/v1/estimates", ApiRequests.ValidEstimate, null),
        ("/v1/estimates", $$$"""{"modelConfig":{{{LlamaConfig}}},"hardware":{"gpu":"a100-sxm-80gb"},"parallelism":{"tensor":8},"workload":{"inputTokens":1024,"outputTokens":128}}""", "modelConfig"),
        ("/v1/models/resolve", LlamaConfig, "$"),
        ("/v1/collectives", """{"operation":"all-reduce","gpu":"h100-sxm-80gb","gpuCount":8,"gpusPerNode":8,"intraNode":"nvswitch","interNode":"infiniband","messageBytes":1048576}""", null),
        ("/v1/recommendations", """{"model":"llama-3-70b","hardware":{"gpus":["h100-sxm-80gb","a100-sxm-80gb"],"maxGpus":16,"gpusPerNode":8,"intraNode":"nvswitch","interNode":"infiniband"},"workload":{"inputTokens":2048,"outputTokens":256,"requestsPerSecond":10},"slo":{"ttftMs":500,"tpotMs":50},"precisions":["bf16","fp8"],"engine":"vllm","objective":"min-cost","limit":5}""", null),
        ("/v1/sweeps", $$$"""{"base":{{{ApiRequests.ValidEstimate}}},"vary":{"parameter":"concurrency","values":[1,8,64]}}""", null),
    ];

    [Fact]
    public async Task EveryPostEndpoint_MalformedAndEdgeRequests_NeverFailWithA5xxAndAlwaysAnswerProblemJson()
    {
        using var client = api.CreateClient();
        var random = new Random(Seed);
        var failures = new List<string>();
        var total = 0;

        foreach (var (path, validBody, freeForm) in Endpoints)
        {
            using (var valid = await client.PostJsonAsync(path, validBody))
            {
                Assert.True(valid.StatusCode == HttpStatusCode.OK, $"the fuzz base body for {path} must be valid; got {(int)valid.StatusCode}: {await valid.Content.ReadAsStringAsync()}");
            }

            var requests = RequestMutator.Systematic(JsonNode.Parse(validBody)!.AsObject())
                .Concat(RequestMutator.Random(JsonNode.Parse(validBody)!.AsObject(), random, RandomRequestsPerBody))
                .Concat(RequestMutator.BrokenBodies())
                .ToList();
            var statuses = new SortedDictionary<int, int>();
            foreach (var request in requests)
            {
                using var response = await client.PostJsonAsync(path, request.Body);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (await CheckAsync(response, request, freeForm) is { } failure && failures.Count < 25)
                {
                    failures.Add($"POST {path} [{request.Mutation} at {request.Field ?? "body"}] → {status}: {failure}\n    body: {Shorten(request.Body)}");
                }
            }

            total += requests.Count;
            output.WriteLine($"POST {path}: {requests.Count} requests; status counts {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        }

        output.WriteLine($"{total} requests over {Endpoints.Length} bodies of {Endpoints.Select(e => e.Path).Distinct().Count()} endpoints (seed {Seed})");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static async Task<string?> CheckAsync(HttpResponseMessage response, FuzzRequest request, string? freeForm)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return "server error: " + Shorten(await response.Content.ReadAsStringAsync());
        }

        if (status < 400)
        {
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"content type {response.Content.Headers.ContentType}";
        }

        var problem = await response.ReadJsonAsync();
        if (!problem.TryGetProperty("traceId", out var traceId) || string.IsNullOrEmpty(traceId.GetString()))
        {
            return "no traceId";
        }

        if (status != 400 || request.Field is null)
        {
            return null;
        }

        var keys = problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(e => e.Name).ToList() : [];
        var field = request.IsInvalidJson && freeForm is not null && (freeForm == "$" || Names(request.Field, freeForm)) ? freeForm : request.Field;
        return keys.Any(key => Names(key, field) || Names(key, Alternative(field))) ? null : $"errors do not name '{field}': [{string.Join(", ", keys)}]";
    }

    /// <summary>An error key names the field when it is the field or lies inside it (a broken object's member).</summary>
    private static bool Names(string key, string field) =>
        key == field || key.StartsWith(field + ".", StringComparison.Ordinal) || key.StartsWith(field + "[", StringComparison.Ordinal);

    /// <summary>The contract's either-or pair: a body gives <c>model</c> or <c>modelConfig</c>, so a missing one may be reported at the other.</summary>
    private static string Alternative(string field) =>
        field.EndsWith("modelConfig", StringComparison.Ordinal) ? field[..^"Config".Length]
        : field == "model" || field.EndsWith(".model", StringComparison.Ordinal) ? field + "Config"
        : field;

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + $"… ({text.Length} chars)";
}
