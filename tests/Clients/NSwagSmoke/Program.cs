// Calls every operation through the C# client NSwag generates with its default settings (Generated/SizingClient.cs,
// made by .ci/run: nswag openapi2csclient), deserialising each response with the client's own serializer.
using Newtonsoft.Json;
using Sizing.Clients;
using Sizing.Clients.NSwag;

var smoke = new Smoke("nswag", args.Length > 0 ? args[0] : "http://127.0.0.1:5112");
var example = await Smoke.ExamplesAsync(smoke.BaseUrl);
T Body<T>(string path) => JsonConvert.DeserializeObject<T>(example(path))!;
using var http = new HttpClient();
var client = new Client(http) { BaseUrl = smoke.BaseUrl };

await smoke.Run("listGpus", async () => $"{(await client.ListGpusAsync()).Count} GPUs");
await smoke.Run("getGpu", async () => (await client.GetGpuAsync("h100-sxm-80gb")).Name);
await smoke.Run("listModels", async () => $"{(await client.ListModelsAsync()).Count} models");
await smoke.Run("getModel", async () => $"{(await client.GetModelAsync("deepseek-r1")).TotalParameters} parameters");
await smoke.Run("resolveModelConfig", async () => $"{(await client.ResolveModelConfigAsync(Body<HuggingFaceConfig>("/v1/models/resolve"))).KvCacheBytesPerToken} KV bytes/token");
await smoke.Run("estimateDeployment", async () =>
{
    var dense = await client.EstimateDeploymentAsync(Body<EstimateRequest>("/v1/estimates"));
    Smoke.Require(dense.Fits && dense.Communication.Pipeline is null && dense.Latency.TpotMs > 0, "a dense TP 4 estimate fits, with no pipeline block");
    var tooBig = Body<EstimateRequest>("/v1/estimates");
    tooBig.Parallelism.Tensor = 1;
    var none = await client.EstimateDeploymentAsync(tooBig);
    Smoke.Require(!none.Fits && none.Latency is null && none.Throughput is null, "a 70B on one GPU does not fit and has no latency");
    return $"TPOT {dense.Latency.TpotMs} ms; on one GPU: fits={none.Fits}";
});
await smoke.Run("estimateCollective", async () => $"{(await client.EstimateCollectiveAsync(Body<CollectiveRequest>("/v1/collectives"))).BusBandwidthGBps} GB/s bus bandwidth");
await smoke.Run("recommendDeployments", async () =>
{
    var plans = await client.RecommendDeploymentsAsync(Body<RecommendationRequest>("/v1/recommendations"));
    return $"{plans.Recommendations.Count} plans, {plans.RejectedCount} rejected";
});
await smoke.Run("sweepEstimate", async () => $"{(await client.SweepEstimateAsync(Body<SweepRequest>("/v1/sweeps"))).Points.Count} points");
await smoke.Run("getLiveness", async () => await client.GetLivenessAsync());
await smoke.Run("getReadiness", async () => await client.GetReadinessAsync());
await smoke.Run("getVersion", async () => (await client.GetVersionAsync()).Version);
await smoke.Run("getGpu (404)", async () =>
{
    try
    {
        await client.GetGpuAsync("no-such-gpu");
    }
    catch (ApiException<Problem> problem) when (problem.StatusCode == 404 && !string.IsNullOrEmpty(problem.Result.TraceId))
    {
        return $"problem+json {problem.Result.Status}: {problem.Result.Detail}";
    }

    throw new InvalidOperationException("an unknown GPU did not raise a 404 problem");
});

return smoke.Finish();
