using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Sizing.Api.OpenApi;

namespace Sizing.Api.Tests;

/// <summary>The OpenAPI document is the contract generated clients are built from: these tests hold it to what the service does.</summary>
[Collection("api")]
public sealed class ContractTests(SizingApiFixture api)
{
    private static readonly string[] ExpectedOperationIds =
    [
        "listGpus", "getGpu", "listModels", "getModel", "resolveModelConfig", "estimateDeployment", "estimateCollective",
        "recommendDeployments", "sweepEstimate", "getLiveness", "getReadiness", "getVersion",
    ];

    private async Task<JsonElement> DocumentAsync() => (await api.CreateClient().GetJsonAsync("/swagger/v1/swagger.json")).Json;

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        from operation in path.Value.EnumerateObject()
        select (path.Name, operation.Name, operation.Value);

    [Fact]
    public async Task EveryOperation_HasAUniqueOperationIdAndASummary()
    {
        var operations = Operations(await DocumentAsync()).ToList();

        Assert.Equal(ExpectedOperationIds.Order(StringComparer.Ordinal), operations.Select(o => o.Operation.GetProperty("operationId").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(operations, o => Assert.False(string.IsNullOrWhiteSpace(o.Operation.GetProperty("summary").GetString()), $"{o.Method} {o.Path} has no summary"));
    }

    [Fact]
    public async Task Document_DeclaresServerLicenseAndContact()
    {
        var document = await DocumentAsync();

        Assert.Equal("/", document.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.Equal("Apache-2.0", document.GetProperty("info").GetProperty("license").GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(document.GetProperty("info").GetProperty("contact").GetProperty("name").GetString()));
    }

    [Fact]
    public async Task EveryOperation_DeclaresItsErrorsWithTheOneProblemSchema()
    {
        var document = await DocumentAsync();

        foreach (var (path, method, operation) in Operations(document))
        {
            var responses = operation.GetProperty("responses");
            var expected = new List<string> { "500", "504" };
            if (!path.StartsWith("/health", StringComparison.Ordinal))
            {
                expected.Add("429");
            }

            if (method == "post")
            {
                expected.AddRange(["400", "413", "415"]);
            }

            if (path.Contains('{', StringComparison.Ordinal))
            {
                expected.Add("404");
            }

            foreach (var status in expected)
            {
                Assert.True(responses.TryGetProperty(status, out var response), $"{method} {path} does not declare {status}");
                Assert.Equal("#/components/schemas/Problem",
                    response.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
            }
        }

        var problem = new OpenApiSchemaCheck(document).Schema("Problem");
        Assert.Equal(["status", "title", "traceId", "type"], problem.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("EstimateRequest", new[] { "hardware", "workload" })]
    [InlineData("HardwareRequest", new[] { "gpu" })]
    [InlineData("WorkloadRequest", new[] { "inputTokens", "outputTokens" })]
    [InlineData("RecommendationRequest", new[] { "workload" })]
    [InlineData("RecommendationWorkloadRequest", new[] { "inputTokens", "outputTokens", "requestsPerSecond" })]
    [InlineData("CollectiveRequest", new[] { "operation", "gpu", "gpuCount", "messageBytes" })]
    [InlineData("SweepRequest", new[] { "base", "vary" })]
    [InlineData("SweepVaryRequest", new[] { "parameter", "values" })]
    [InlineData("ParallelismRequest", new string[0])]
    public async Task RequestSchemas_ListWhatTheValidatorsRequire(string schema, string[] required)
    {
        var check = new OpenApiSchemaCheck(await DocumentAsync());

        var listed = check.Schema(schema).TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!) : [];

        Assert.Equal(required.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("estimateDeployment", "/v1/estimates")]
    [InlineData("estimateCollective", "/v1/collectives")]
    [InlineData("recommendDeployments", "/v1/recommendations")]
    [InlineData("sweepEstimate", "/v1/sweeps")]
    public async Task RequestExample_EachRequiredFieldRemoved_Is400NamingIt_AndEachOptionalFieldRemoved_Succeeds(string operationId, string route)
    {
        var document = await DocumentAsync();
        var check = new OpenApiSchemaCheck(document);
        var operation = Operations(document).Single(o => o.Operation.GetProperty("operationId").GetString() == operationId).Operation;
        var content = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        var example = JsonNode.Parse(RequestExamples(content).First().Body.GetRawText())!.AsObject();
        var client = api.CreateClient();

        var failures = new List<string>();
        foreach (var (path, isRequired) in Fields(example, check.Resolve(content.GetProperty("schema")), check, string.Empty))
        {
            var body = example.DeepClone().AsObject();
            var parent = Remove(body, path);
            if (path.Split('.')[^1] == "model")
            {
                parent["modelConfig"] = JsonNode.Parse(OpenApiExamples.Llama31_8bConfig); // the one-of: model or modelConfig
            }

            var reply = await client.PostAsync(route, body.ToJsonString());
            var named = reply.Status == HttpStatusCode.BadRequest && reply.Json.GetProperty("errors").TryGetProperty(path, out _);
            if (isRequired ? !named : reply.Status != HttpStatusCode.OK)
            {
                failures.Add($"{path} ({(isRequired ? "required" : "optional")}) removed: {(int)reply.Status} {reply.Json}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task EveryNamedRequestExample_IsAnsweredWith200ConformingToTheSchema()
    {
        var document = await DocumentAsync();
        var check = new OpenApiSchemaCheck(document);
        var client = api.CreateClient();
        var failures = new List<string>();
        var named = 0;

        foreach (var (path, _, operation) in Operations(document))
        {
            if (!operation.TryGetProperty("requestBody", out var requestBody) || !requestBody.GetProperty("content").TryGetProperty("application/json", out var content))
            {
                continue;
            }

            var schema = operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            foreach (var (name, body) in RequestExamples(content))
            {
                named += name.Length > 0 ? 1 : 0;
                var reply = await client.PostAsync(path, body.GetRawText());
                if (reply.Status != HttpStatusCode.OK)
                {
                    failures.Add($"{path} example '{name}': {(int)reply.Status} {reply.Json}");
                    continue;
                }

                failures.AddRange(check.Problems(reply.Json, schema).Select(p => $"{path} example '{name}': {p}"));
            }
        }

        Assert.Empty(failures);
        Assert.Equal(4, named); // the estimate's aggregated, DP-attention + wide-EP, disaggregated and speculative examples
    }

    [Fact]
    public async Task EnumSchemas_ListTheKebabCaseNamesTheServiceAccepts()
    {
        var document = await DocumentAsync();
        var check = new OpenApiSchemaCheck(document);
        var enums = new[]
        {
            typeof(Domain.Deployment.Engine), typeof(Domain.Deployment.Precision), typeof(Domain.Deployment.BatchingMode), typeof(Domain.Deployment.Arrival),
            typeof(Domain.Deployment.IntraNodeLink), typeof(Domain.Deployment.InterNodeLink), typeof(Domain.Recommendation.Objective),
            typeof(Domain.Communication.CollectiveOperation), typeof(Domain.Communication.CollectiveImplementation),
            typeof(Contracts.Sweeps.SweepParameter), typeof(Domain.Moe.MoeExchange), typeof(Domain.Disaggregation.KvTransferLink),
            typeof(Domain.Speculative.SpeculativeMethod),
        };

        foreach (var type in enums)
        {
            var names = type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name).Order(StringComparer.Ordinal);
            var schema = check.Schema(type.Name);
            Assert.Equal("string", schema.GetProperty("type").GetString());
            Assert.Equal(names, schema.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
        }

        var objective = check.Schema("RecommendationRequest").GetProperty("properties").GetProperty("objective");
        Assert.Equal("#/components/schemas/Objective", objective.GetProperty("oneOf")[0].GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task NullableBlocks_AreDeclaredNullable()
    {
        var check = new OpenApiSchemaCheck(await DocumentAsync());

        Assert.True(OpenApiSchemaCheck.IsNullable(check.Schema("CommunicationResponse").GetProperty("properties").GetProperty("pipeline")));
        Assert.True(OpenApiSchemaCheck.IsNullable(check.Schema("EstimateResponse").GetProperty("properties").GetProperty("latency")));
        Assert.False(OpenApiSchemaCheck.IsNullable(check.Schema("EstimateResponse").GetProperty("properties").GetProperty("memory")));
        Assert.Contains("pipeline", check.Schema("CommunicationResponse").GetProperty("required").EnumerateArray().Select(e => e.GetString()));

        // Error bands: null exactly where their figure can be (latency and throughput of a deployment that does not fit).
        var bands = check.Schema("UncertaintyResponse");
        Assert.True(OpenApiSchemaCheck.IsNullable(bands.GetProperty("properties").GetProperty("tpotMs")));
        Assert.True(OpenApiSchemaCheck.IsNullable(bands.GetProperty("properties").GetProperty("ttftPercentilesMs")));
        Assert.True(OpenApiSchemaCheck.IsNullable(bands.GetProperty("properties").GetProperty("outputTokensPerSecondPerGpu")));
        Assert.False(OpenApiSchemaCheck.IsNullable(bands.GetProperty("properties").GetProperty("weightsGiB")));
        Assert.Equal(11, bands.GetProperty("required").GetArrayLength());
        // A plan fits by construction: every band of it is there, its p99 targets' included.
        var plan = check.Schema("PlanUncertaintyResponse");
        Assert.Equal(10, plan.GetProperty("required").GetArrayLength());
        Assert.All(plan.GetProperty("properties").EnumerateObject(), p => Assert.False(OpenApiSchemaCheck.IsNullable(p.Value), p.Name));
        Assert.All(check.Schema("PercentileBandsResponse").GetProperty("properties").EnumerateObject(), p => Assert.False(OpenApiSchemaCheck.IsNullable(p.Value), p.Name));
        Assert.False(OpenApiSchemaCheck.IsNullable(check.Schema("EstimateResponse").GetProperty("properties").GetProperty("uncertainty")));
        var point = check.Schema("SweepPointResponse").GetProperty("properties");
        Assert.True(OpenApiSchemaCheck.IsNullable(point.GetProperty("tpotMsLow")));
        Assert.False(OpenApiSchemaCheck.IsNullable(point.GetProperty("kvCachePoolGiBLow")));
        Assert.False(OpenApiSchemaCheck.IsNullable(check.Schema("CollectiveResponse").GetProperty("properties").GetProperty("uncertainty")));
        Assert.Equal("object", check.Schema("HuggingFaceConfig").GetProperty("type").GetString());
    }

    public static TheoryData<string, string, string> Responses => new()
    {
        { "estimateDeployment", "/v1/estimates", OpenApiExamples.Estimate },
        { "estimateDeployment", "/v1/estimates", """{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 128, "outputTokens": 128 } }""" },
        { "estimateDeployment", "/v1/estimates", """{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 6 }, "workload": { "inputTokens": 128, "outputTokens": 128 } }""" },
        { "estimateDeployment", "/v1/estimates", """{ "model": "mixtral-8x7b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 4, "pipeline": 2, "expert": 2 }, "workload": { "inputTokens": 1024, "outputTokens": 128, "concurrency": 16 } }""" },
        // Past the KV capacity (a queue in the load block), an open loop at a request rate, and a burst of a run's prompts.
        { "estimateDeployment", "/v1/estimates", """{ "model": "llama-3-8b", "hardware": { "gpu": "l4" }, "workload": { "inputTokens": 2048, "outputTokens": 512, "concurrency": 256 } }""" },
        { "estimateDeployment", "/v1/estimates", """{ "model": "llama-3-8b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 512, "outputTokens": 256, "arrival": "rate", "requestsPerSecond": 5, "numPrompts": 500 } }""" },
        { "estimateDeployment", "/v1/estimates", """{ "model": "llama-3-8b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 512, "outputTokens": 256, "batching": "offline-max", "numPrompts": 1000 } }""" },
        { "estimateCollective", "/v1/collectives", OpenApiExamples.Collective },
        { "recommendDeployments", "/v1/recommendations", """{ "model": "llama-3-8b", "hardware": { "gpus": ["h100-sxm-80gb"], "maxGpus": 8 }, "workload": { "inputTokens": 1024, "outputTokens": 256, "requestsPerSecond": 4 }, "slo": { "ttftP99Ms": 3000, "tpotP99Ms": 60 } }""" },
        { "recommendDeployments", "/v1/recommendations", OpenApiExamples.Recommendation },
        { "sweepEstimate", "/v1/sweeps", OpenApiExamples.Sweep },
        { "sweepEstimate", "/v1/sweeps", """{ "base": { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 128, "outputTokens": 128 } }, "vary": { "parameter": "tensor", "values": [1, 3, 4] } }""" },
        { "resolveModelConfig", "/v1/models/resolve", OpenApiExamples.Llama31_8bConfig },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Responses_ConformToTheirSchemas_NullsOnlyWhereNullable(string operationId, string route, string body)
    {
        var document = await DocumentAsync();
        var check = new OpenApiSchemaCheck(document);
        var operation = Operations(document).Single(o => o.Operation.GetProperty("operationId").GetString() == operationId).Operation;
        var schema = operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");

        var reply = await api.CreateClient().PostAsync(route, body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Empty(check.Problems(reply.Json, schema));
    }

    [Theory]
    [InlineData("/v1/gpus", "listGpus")]
    [InlineData("/v1/gpus/mi300x", "getGpu")]
    [InlineData("/v1/models", "listModels")]
    [InlineData("/v1/models/deepseek-r1", "getModel")]
    [InlineData("/version", "getVersion")]
    public async Task CatalogAndVersionResponses_ConformToTheirSchemas(string route, string operationId)
    {
        var document = await DocumentAsync();
        var check = new OpenApiSchemaCheck(document);
        var operation = Operations(document).Single(o => o.Operation.GetProperty("operationId").GetString() == operationId).Operation;
        var schema = operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");

        var reply = await api.CreateClient().GetJsonAsync(route);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Empty(check.Problems(reply.Json, schema));
    }

    [Fact]
    public async Task ResponseExamples_ConformAndShowComputedFigures()
    {
        var document = await DocumentAsync();
        var check = new OpenApiSchemaCheck(document);

        foreach (var (path, method, operation) in Operations(document))
        {
            if (!operation.GetProperty("responses").GetProperty("200").TryGetProperty("content", out var content) || !content.TryGetProperty("application/json", out var media))
            {
                continue;
            }

            Assert.True(media.TryGetProperty("example", out var example), $"{method} {path} has no response example");
            Assert.Empty(check.Problems(example, media.GetProperty("schema")));
        }

        var estimate = Operations(document).Single(o => o.Path == "/v1/estimates").Operation
            .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.True(estimate.GetProperty("fits").GetBoolean());
        Assert.InRange(estimate.GetProperty("latency").GetProperty("tpotMs").GetDouble(), 1, 200);
        Assert.InRange(estimate.GetProperty("memory").GetProperty("perGpu").GetProperty("weightsGiB").GetDouble(), 30, 35); // 70.6e9 × 2 B / 4 GPUs
    }

    [Theory]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb", "intraNode": "NVSwitch" }, "precision": { "weights": "BF16" }, "workload": { "inputTokens": 128, "outputTokens": 128, "batching": "Continuous" }, "engine": "vLLM" }""")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb", "intraNode": "nvswitch" }, "precision": { "weights": "bf16" }, "workload": { "inputTokens": 128, "outputTokens": 128, "batching": "continuous" }, "engine": "vllm" }""")]
    public async Task EnumNames_AreAcceptedWhateverTheirCase(string body)
    {
        var reply = await api.CreateClient().PostAsync("/v1/estimates", body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    [Theory]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 1, "outputTokens": 1 }, "engine": 0 }""", "engine")]
    [InlineData("""{ "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 1, "outputTokens": 1 }, "engine": "vllm " }""", "engine")]
    [InlineData("""{ "model": "llama-3-70b", "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 1 }, "objective": "cheapest" }""", "objective")]
    [InlineData("""{ "model": "llama-3-70b", "workload": { "inputTokens": 1, "outputTokens": 1, "requestsPerSecond": 1 }, "precisions": ["bf16", "fp6"] }""", "precisions[1]")]
    public async Task EnumValues_OutsideTheSchema_Are400ListingTheAcceptedNames(string body, string field)
    {
        var route = body.Contains("requestsPerSecond", StringComparison.Ordinal) ? "/v1/recommendations" : "/v1/estimates";

        var message = (await api.CreateClient().PostAsync(route, body)).AssertValidationProblem(field);

        Assert.StartsWith("must be one of ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidLayouts_AreAnsweredAlike_FitsFalseWithReasonsAndNoUnreachableFigures()
    {
        const string invalidTp = """{ "model": "mixtral-8x7b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 3 }, "workload": { "inputTokens": 128, "outputTokens": 128 } }""";
        const string invalidEp = """{ "model": "mixtral-8x7b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "tensor": 2, "expert": 8 }, "workload": { "inputTokens": 128, "outputTokens": 128 } }""";
        const string invalidPp = """{ "model": "mixtral-8x7b", "hardware": { "gpu": "h100-sxm-80gb" }, "parallelism": { "pipeline": 64 }, "workload": { "inputTokens": 128, "outputTokens": 128 } }""";

        foreach (var (body, reason) in new[] { (invalidTp, "invalid TP"), (invalidEp, "invalid EP"), (invalidPp, "invalid PP") })
        {
            var reply = await api.CreateClient().PostAsync("/v1/estimates", body);

            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.False(reply.Json.GetProperty("fits").GetBoolean());
            Assert.Contains(reply.Json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith(reason, StringComparison.Ordinal));
            foreach (var figure in new[] { "latency", "throughput", "communication", "performance" })
            {
                Assert.Equal(JsonValueKind.Null, reply.Json.GetProperty(figure).ValueKind);
            }
        }
    }

    [Fact]
    public async Task Sweep_OverAnInvalidTensorDegree_IsAPointWithNullFiguresNotAnError()
    {
        var reply = await api.CreateClient().PostAsync("/v1/sweeps", """
            { "base": { "model": "llama-3-70b", "hardware": { "gpu": "h100-sxm-80gb" }, "workload": { "inputTokens": 128, "outputTokens": 128 } },
              "vary": { "parameter": "tensor", "values": [3, 4] } }
            """);

        var points = reply.Json.GetProperty("points");
        Assert.False(points[0].GetProperty("fits").GetBoolean());
        Assert.Equal(JsonValueKind.Null, points[0].GetProperty("tpotMs").ValueKind);
        Assert.StartsWith("invalid TP", points[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(points[1].GetProperty("fits").GetBoolean());
        Assert.True(points[1].GetProperty("tpotMs").GetDouble() > 0);
    }

    [Theory]
    [InlineData("POST", "/v1/estimates", "text/plain", "{}", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("POST", "/v1/estimates", "application/json", "{ \"model\": ", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/v1/nowhere", null, null, HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/v1/gpus", null, null, HttpStatusCode.MethodNotAllowed)]
    public async Task FrameworkRejections_AreProblemJsonWithTheProblemSchema(string method, string path, string? contentType, string? body, HttpStatusCode expected)
    {
        var check = new OpenApiSchemaCheck(await DocumentAsync());
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, contentType!);
        }

        using var response = await api.CreateClient().SendAsync(request);
        var problem = await response.ReadProblemAsync();

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.Empty(check.Problems(problem, check.Schema("Problem")));
    }

    /// <summary>A request body's examples: its one <c>example</c> (unnamed), or its named <c>examples</c> in document order.</summary>
    private static List<(string Name, JsonElement Body)> RequestExamples(JsonElement content) =>
        content.TryGetProperty("example", out var example)
            ? [(string.Empty, example)]
            : [.. content.GetProperty("examples").EnumerateObject().Select(e => (e.Name, e.Value.GetProperty("value")))];

    /// <summary>Every field of the example object, by JSON path, with whether its schema lists it as required.</summary>
    private static IEnumerable<(string Path, bool Required)> Fields(JsonObject example, JsonElement schema, OpenApiSchemaCheck check, string prefix)
    {
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal) : [];
        var properties = schema.GetProperty("properties");
        foreach (var (name, value) in example)
        {
            var path = prefix + name;
            yield return (path, required.Contains(name));
            if (value is JsonObject child && properties.TryGetProperty(name, out var propertySchema))
            {
                foreach (var nested in Fields(child, check.Resolve(propertySchema), check, path + "."))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>Removes the field at <paramref name="path"/> and returns the object that held it.</summary>
    private static JsonObject Remove(JsonObject body, string path)
    {
        var parts = path.Split('.');
        var target = body;
        foreach (var part in parts[..^1])
        {
            target = target[part]!.AsObject();
        }

        target.Remove(parts[^1]);
        return target;
    }
}
