using System.Net;

namespace Sizing.Api.Tests;

[Collection("api")]
public sealed class OpenApiTests(SizingApiFixture fixture)
{
    [Theory]
    [InlineData("/v1/gpus")]
    [InlineData("/v1/gpus/{id}")]
    [InlineData("/v1/models")]
    [InlineData("/v1/models/{id}")]
    [InlineData("/v1/models/resolve")]
    [InlineData("/v1/estimates")]
    [InlineData("/v1/collectives")]
    [InlineData("/v1/recommendations")]
    [InlineData("/v1/sweeps")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task SwaggerDocument_ListsEveryRoute(string route)
    {
        var reply = await fixture.CreateClient().GetJsonAsync("/swagger/v1/swagger.json");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.True(reply.Json.GetProperty("paths").TryGetProperty(route, out _), $"{route} is missing from the OpenAPI document");
    }

    [Fact]
    public async Task SwaggerDocument_DescribesRequestFieldsWithUnitsAndExamples()
    {
        var reply = await fixture.CreateClient().GetJsonAsync("/swagger/v1/swagger.json");

        var workload = reply.Json.GetProperty("components").GetProperty("schemas").GetProperty("WorkloadRequest").GetProperty("properties");
        var inputTokens = workload.GetProperty("inputTokens");
        Assert.Contains("Prompt tokens", inputTokens.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(2048, inputTokens.GetProperty("example").GetInt32());
    }

    [Fact]
    public async Task SwaggerUi_IsServed()
    {
        using var response = await fixture.CreateClient().GetAsync(new Uri("/swagger/index.html", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
