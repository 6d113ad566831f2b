using System.Net;
using System.Text.Json.Nodes;

namespace Sizing.Api.Tests;

public sealed class CatalogOverrideTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sizing-overrides-").FullName;

    [Fact]
    public async Task GpuOverrideFile_AddsAGpu_VisibleAtGetGpu()
    {
        var path = WriteGpus(Gpu("acme-x1-96gb", gpu => gpu["memoryBandwidthGBps"] = 4000));
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["Catalog:GpuFiles:0"] = path });
        using var client = factory.CreateClient();

        using var added = await client.GetAsync(new Uri("/v1/gpus/acme-x1-96gb", UriKind.Relative));
        using var builtIn = await client.GetAsync(new Uri("/v1/gpus/h100-sxm-80gb", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(4000, (await added.ReadJsonAsync()).GetProperty("memoryBandwidthGBps").GetDouble());
        Assert.Equal(HttpStatusCode.OK, builtIn.StatusCode);
    }

    [Fact]
    public async Task GpuOverrideFile_WithSameIdAsBuiltIn_ReplacesItsPrice()
    {
        var path = WriteGpus(Gpu("h100-sxm-80gb", gpu => gpu["price"]!["usdPerHour"] = 1.23));
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["Catalog:GpuFiles:0"] = path });
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/v1/gpus/h100-sxm-80gb", UriKind.Relative));

        Assert.Equal(1.23, (await response.ReadJsonAsync()).GetProperty("priceUsdPerHour").GetDouble());
    }

    [Fact]
    public async Task Estimate_OnAGpuClassNoMeasuredRowCovers_HasAWiderUncalibratedBand()
    {
        // An H100 in every figure but its vendor and architecture: the same predictions, but no measured row covers the class.
        var path = WriteGpus(Gpu("acme-x1-80gb", gpu => { gpu["vendor"] = "acme"; gpu["architecture"] = "x1"; }));
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["Catalog:GpuFiles:0"] = path });
        using var client = factory.CreateClient();
        const string body = """
            { "model": "llama-3-70b", "hardware": { "gpu": "GPU", "gpusPerNode": 8, "intraNode": "nvswitch" }, "parallelism": { "tensor": 4 },
              "workload": { "inputTokens": 2048, "outputTokens": 256, "concurrency": 64 }, "engine": "trtllm" }
            """;

        var known = (await client.PostAsync("/v1/estimates", body.Replace("GPU", "h100-sxm-80gb", StringComparison.Ordinal))).Json;
        var unknown = (await client.PostAsync("/v1/estimates", body.Replace("GPU", "acme-x1-80gb", StringComparison.Ordinal))).Json;

        var figure = known.GetProperty("throughput").GetProperty("outputTokensPerSecond").GetDouble();
        Assert.Equal(figure, unknown.GetProperty("throughput").GetProperty("outputTokensPerSecond").GetDouble());
        var knownBand = known.GetProperty("uncertainty").GetProperty("outputTokensPerSecond");
        var unknownBand = unknown.GetProperty("uncertainty").GetProperty("outputTokensPerSecond");
        Assert.True(knownBand.GetProperty("calibrated").GetBoolean());
        Assert.False(unknownBand.GetProperty("calibrated").GetBoolean());
        Assert.True(unknownBand.GetProperty("low").GetDouble() < knownBand.GetProperty("low").GetDouble());
        Assert.True(unknownBand.GetProperty("high").GetDouble() > knownBand.GetProperty("high").GetDouble());
        Assert.True(unknownBand.GetProperty("errorP90Pct").GetDouble() > knownBand.GetProperty("errorP90Pct").GetDouble());
        Assert.Contains("acme-x1", unknownBand.GetProperty("basis").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidOverrideFiles_StopTheHost_NamingFileEntryAndField()
    {
        var gpus = WriteGpus(Gpu("acme-bad-gpu", gpu => gpu["memoryBandwidthGBps"] = -1));
        var missing = Path.Combine(_directory, "absent.json");
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?>
        {
            ["Catalog:GpuFiles:0"] = gpus,
            ["Catalog:ModelFiles:0"] = missing,
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var message = error.ToString();
        Assert.Contains("will not start", message, StringComparison.Ordinal);
        Assert.Contains($"{gpus}: acme-bad-gpu: memoryBandwidthGBps: must be a positive finite number.", message, StringComparison.Ordinal);
        Assert.Contains($"{missing}: (file): $: cannot be read", message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task ModelOverrideFile_WithUnknownField_StopsTheHost()
    {
        var path = Path.Combine(_directory, "models.json");
        await File.WriteAllTextAsync(path, """{ "models": [ { "id": "my-model", "nmae": "typo" } ] }""");
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["Catalog:ModelFiles:0"] = path });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(path, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("nmae", error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static JsonObject Gpu(string id, Action<JsonObject> change)
    {
        var builtIn = JsonNode.Parse(File.ReadAllText(RepositoryFiles.PathOf("src/Domain/Catalog/Data/gpus.json")))!;
        var gpu = builtIn["gpus"]!.AsArray().Single(g => (string?)g!["id"] == "h100-sxm-80gb")!.DeepClone().AsObject();
        gpu["id"] = id;
        change(gpu);
        return gpu;
    }

    private string WriteGpus(params JsonObject[] gpus)
    {
        var path = Path.Combine(_directory, $"gpus-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, new JsonObject { ["gpus"] = new JsonArray([.. gpus]) }.ToJsonString());
        return path;
    }
}
