// Calls every operation through the C# client Kiota generates (Generated/, made by .ci/run: kiota generate -l CSharp),
// deserialising each response with Kiota's own parse nodes.
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Sizing.Clients;
using Sizing.Clients.Kiota;
using Sizing.Clients.Kiota.Models;

var smoke = new Smoke("kiota", args.Length > 0 ? args[0] : "http://127.0.0.1:5112");
var example = await Smoke.ExamplesAsync(smoke.BaseUrl);
var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider()) { BaseUrl = smoke.BaseUrl };
var client = new SizingClient(adapter); // registers the JSON and text (de)serialisers the bodies below use
async Task<T> Body<T>(string path, ParsableFactory<T> factory) where T : IParsable =>
    (await KiotaJsonSerializer.DeserializeAsync(example(path), factory))!;

await smoke.Run("listGpus", async () => $"{(await client.V1.Gpus.GetAsync())!.Count} GPUs");
await smoke.Run("getGpu", async () => (await client.V1.Gpus["h100-sxm-80gb"].GetAsync())!.Name!);
await smoke.Run("listModels", async () => $"{(await client.V1.Models.GetAsync())!.Count} models");
await smoke.Run("getModel", async () => $"{(await client.V1.Models["deepseek-r1"].GetAsync())!.TotalParameters} parameters");
await smoke.Run("resolveModelConfig", async () =>
    $"{(await client.V1.Models.Resolve.PostAsync(await Body("/v1/models/resolve", HuggingFaceConfig.CreateFromDiscriminatorValue)))!.KvCacheBytesPerToken} KV bytes/token");
await smoke.Run("estimateDeployment", async () =>
{
    var dense = (await client.V1.Estimates.PostAsync(await Body("/v1/estimates", EstimateRequest.CreateFromDiscriminatorValue)))!;
    Smoke.Require(dense.Fits == true && dense.Communication!.Pipeline is null && dense.Latency!.TpotMs > 0, "a dense TP 4 estimate fits, with no pipeline block");
    var tooBig = await Body("/v1/estimates", EstimateRequest.CreateFromDiscriminatorValue);
    tooBig.Parallelism!.Tensor = 1;
    var none = (await client.V1.Estimates.PostAsync(tooBig))!;
    Smoke.Require(none.Fits == false && none.Latency is null, "a 70B on one GPU does not fit and has no latency");
    return $"TPOT {dense.Latency.TpotMs} ms; on one GPU: fits={none.Fits}";
});
await smoke.Run("estimateCollective", async () =>
    $"{(await client.V1.Collectives.PostAsync(await Body("/v1/collectives", CollectiveRequest.CreateFromDiscriminatorValue)))!.BusBandwidthGBps} GB/s bus bandwidth");
await smoke.Run("recommendDeployments", async () =>
{
    var plans = (await client.V1.Recommendations.PostAsync(await Body("/v1/recommendations", RecommendationRequest.CreateFromDiscriminatorValue)))!;
    return $"{plans.Recommendations!.Count} plans, {plans.RejectedCount} rejected";
});
await smoke.Run("sweepEstimate", async () =>
    $"{(await client.V1.Sweeps.PostAsync(await Body("/v1/sweeps", SweepRequest.CreateFromDiscriminatorValue)))!.Points!.Count} points");
await smoke.Run("getLiveness", async () => (await client.Health.Live.GetAsync())!);
await smoke.Run("getReadiness", async () => (await client.Health.Ready.GetAsync())!);
await smoke.Run("getVersion", async () => (await client.Version.GetAsync())!.Version!);
await smoke.Run("getGpu (404)", async () =>
{
    try
    {
        await client.V1.Gpus["no-such-gpu"].GetAsync();
    }
    catch (Problem problem) when (problem.ResponseStatusCode == 404 && !string.IsNullOrEmpty(problem.TraceId))
    {
        return $"problem+json {problem.Status}: {problem.Detail}";
    }

    throw new InvalidOperationException("an unknown GPU did not raise a 404 problem");
});

return smoke.Finish();
