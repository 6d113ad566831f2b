using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Sizing.Api.Tests;

/// <summary>Small helpers for raw JSON requests and problem+json responses.</summary>
internal static class ApiRequests
{
    public const string ValidEstimate = """
        {"model":"llama-3-70b","hardware":{"gpu":"h100-sxm-80gb","gpusPerNode":8,"intraNode":"nvswitch","interNode":"infiniband"},
         "parallelism":{"tensor":4,"pipeline":1,"expert":1,"data":1},"precision":{"weights":"bf16","kvCache":"bf16"},
         "workload":{"inputTokens":2048,"outputTokens":256,"concurrency":64,"batching":"continuous"},
         "engine":"vllm","gpuMemoryUtilization":0.9}
        """;

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        return problem;
    }
}
