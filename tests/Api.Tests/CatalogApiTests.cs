using System.Net;

namespace Sizing.Api.Tests;

[Collection("api")]
public sealed class CatalogApiTests(SizingApiFixture fixture)
{
    [Fact]
    public async Task GetGpus_ListsTheCatalogWithUnitsAndSources()
    {
        var reply = await fixture.CreateClient().GetJsonAsync("/v1/gpus");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var gpus = reply.Json.EnumerateArray().ToList();
        Assert.True(gpus.Count >= 23);
        Assert.All(gpus, g => Assert.False(string.IsNullOrWhiteSpace(g.GetProperty("source").GetString())));
        var h100 = gpus.Single(g => g.GetProperty("id").GetString() == "h100-sxm-80gb");
        Assert.Equal(3350, h100.GetProperty("memoryBandwidthGBps").GetDouble()); // NVIDIA H100 SXM datasheet: 3.35 TB/s
        Assert.Equal(989, h100.GetProperty("denseTflops").GetProperty("bf16").GetDouble(), 0); // dense, not the 1979 sparse figure
        Assert.Equal("nvswitch", h100.GetProperty("node").GetProperty("intraNode").GetString());
    }

    [Fact]
    public async Task GetGpu_UnknownId_Returns404ProblemJson()
    {
        var reply = await fixture.CreateClient().GetJsonAsync("/v1/gpus/h100-sxm-81gb");

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Contains("h100-sxm-81gb", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task GetModel_Llama3_70b_ReturnsDerivedCounts()
    {
        var reply = await fixture.CreateClient().GetJsonAsync("/v1/models/llama-3-70b");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(327_680, reply.Json.GetProperty("kvCacheBytesPerToken").GetInt64()); // docs/formulas.md §2(a)
        Assert.Equal(70.554e9, reply.Json.GetProperty("totalParameters").GetInt64(), 0.005 * 70.554e9); // docs/formulas.md §1.1
        Assert.Equal(8, reply.Json.GetProperty("architecture").GetProperty("numKeyValueHeads").GetInt32());
    }

    [Fact]
    public async Task GetModels_ListsEveryModelWithItsActiveParameters()
    {
        var reply = await fixture.CreateClient().GetJsonAsync("/v1/models");

        var mixtral = reply.Json.EnumerateArray().Single(m => m.GetProperty("id").GetString() == "mixtral-8x7b");
        Assert.Equal(46.70e9, mixtral.GetProperty("totalParameters").GetInt64(), 0.005 * 46.70e9);  // Mixtral paper: 47B total
        Assert.Equal(12.88e9, mixtral.GetProperty("activeParameters").GetInt64(), 0.005 * 12.88e9); // ... 13B active
    }

    [Fact]
    public async Task GetModel_UnknownId_Returns404ProblemJson()
    {
        var reply = await fixture.CreateClient().GetJsonAsync("/v1/models/llama-5");

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
    }
}
