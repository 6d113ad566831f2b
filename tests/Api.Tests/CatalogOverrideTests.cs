using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

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
    public void InvalidOverrideFiles_StopTheHost_NamingFileEntryAndField()
    {
        var gpus = WriteGpus(Gpu("acme-bad-gpu", gpu => gpu["memoryBandwidthGBps"] = -1));
        var missing = Path.Combine(_directory, "absent.json");

        var message = Refusal(new Dictionary<string, string?>
        {
            ["Catalog:GpuFiles:0"] = gpus,
            ["Catalog:ModelFiles:0"] = missing,
        });

        Assert.Contains("will not start", message, StringComparison.Ordinal);
        Assert.Contains($"{gpus}: acme-bad-gpu: memoryBandwidthGBps: -1 is outside the physical range", message, StringComparison.Ordinal);
        Assert.Contains($"{missing}: (file): $: cannot be read", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelOverrideFile_WithUnknownField_StopsTheHost()
    {
        var path = Path.Combine(_directory, "models.json");
        await File.WriteAllTextAsync(path, """{ "models": [ { "id": "my-model", "nmae": "typo" } ] }""");
        var error = Refusal(new Dictionary<string, string?> { ["Catalog:ModelFiles:0"] = path });

        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.Contains("nmae", error, StringComparison.Ordinal);
    }

    [Fact]
    public void GpuOverrideFile_WithHugeAndDenormalFigures_IsRefusedNamingEveryField()
    {
        var path = WriteGpus(Gpu("acme-typo-gpu", gpu =>
        {
            gpu["memoryBandwidthGBps"] = 1e308;
            gpu["denseTflops"]!["bf16"] = 5e-324;
            gpu["interconnect"]!["scaleUpGBpsPerDirection"] = 1e308;
            gpu["price"]!["usdPerHour"] = 5e-324;
            gpu["memoryGB"] = 1e308;
        }));
        var message = Refusal(new Dictionary<string, string?> { ["Catalog:GpuFiles:0"] = path });

        foreach (var field in new[] { "memoryBandwidthGBps", "denseTflops.bf16", "interconnect.scaleUpGBpsPerDirection", "price.usdPerHour", "memoryGB" })
        {
            Assert.Contains($"{path}: acme-typo-gpu: {field}: ", message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("num_hidden_layers", "1000000000")]
    [InlineData("hidden_size", "1e308")]
    [InlineData("vocab_size", "5e-324")]
    public async Task ModelOverrideFile_WithOverflowingDimension_IsRefusedNamingFileEntryAndField(string field, string value)
    {
        var path = Path.Combine(_directory, $"models-{field}.json");
        var config = """{"model_type":"llama","hidden_size":8192,"intermediate_size":28672,"num_hidden_layers":80,"num_attention_heads":64,"num_key_value_heads":8,"vocab_size":128256}"""
            .Replace($"\"{field}\":", $"\"{field}\":{value},\"x_{field}\":", StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, $$"""{ "models": [ { "id": "huge-model", "name": "Huge", "hfId": null, "source": "test", "config": {{config}} } ] }""");
        var message = Refusal(new Dictionary<string, string?> { ["Catalog:ModelFiles:0"] = path });

        Assert.Contains($"{path}: huge-model: config.{field}: ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_WithARefusedOverrideFile_ExitsWithCode78AndNoStackTrace()
    {
        var gpus = WriteGpus(Gpu("acme-bad-gpu", gpu => gpu["memoryBandwidthGBps"] = 1e308));
        var api = Path.Combine(AppContext.BaseDirectory, "Sizing.Api.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [api])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
            Environment =
            {
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Catalog__GpuFiles__0"] = gpus,
            },
        };

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output + await error;

        Assert.Equal(78, process.ExitCode);
        Assert.Contains($"{gpus}: acme-bad-gpu: memoryBandwidthGBps:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>What start-up refuses with these settings (Program exits with 78 before the host exists, so tests read the same check).</summary>
    private static string Refusal(Dictionary<string, string?> settings)
    {
        var problems = Infrastructure.CatalogOverrides.Check(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        Assert.NotEmpty(problems);
        return "will not start: " + string.Join('\n', problems);
    }

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
