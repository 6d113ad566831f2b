using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sizing.Api.Tests;

/// <summary>What platform teams expect of a service: version, redirects, compression, caching, CORS and per-client limits.</summary>
[Collection("api")]
public sealed partial class PlatformTests(SizingApiFixture api)
{
    [Fact]
    public async Task Version_ReportsTheBuildVersionAndCommit()
    {
        var reply = await api.CreateClient().GetJsonAsync("/version");

        var props = File.ReadAllText(RepositoryFiles.PathOf("Directory.Build.props"));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(VersionPrefix().Match(props).Groups[1].Value, reply.Json.GetProperty("version").GetString());
        Assert.Matches("^([0-9a-f]{7,40}|unknown)$", reply.Json.GetProperty("commit").GetString());
        Assert.Equal("sizing", reply.Json.GetProperty("service").GetString());
    }

    [Fact]
    public async Task Root_RedirectsToSwaggerUi()
    {
        using var client = api.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/swagger/index.html", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SwaggerUi_HasDeepLinkingOn()
    {
        var config = await api.CreateClient().GetStringAsync(new Uri("/swagger/index.js", UriKind.Relative));

        Assert.Matches("\"deepLinking\":\\s*true", config);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task CatalogList_CompressedOnRequest_DecompressesToTheSameJson(string encoding)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));

        using var compressed = await client.SendAsync(request);
        var plain = await client.GetStringAsync(new Uri("/v1/models", UriKind.Relative));

        Assert.Equal(encoding, compressed.Content.Headers.ContentEncoding.Single());
        await using var raw = await compressed.Content.ReadAsStreamAsync();
        await using Stream decoder = encoding == "gzip" ? new GZipStream(raw, CompressionMode.Decompress) : new BrotliStream(raw, CompressionMode.Decompress);
        using var reader = new StreamReader(decoder);
        var text = await reader.ReadToEndAsync();
        Assert.True(compressed.Content.Headers.ContentLength is null or > 0);
        Assert.Equal(plain, text);
        Assert.True(text.Length > 4 * 1024, "the catalog is large enough that compression matters");
    }

    [Theory]
    [InlineData("/v1/gpus")]
    [InlineData("/v1/gpus/h100-sxm-80gb")]
    [InlineData("/v1/models")]
    [InlineData("/v1/models/llama-3-70b")]
    public async Task CatalogGet_WithTheETag_Returns304WithoutBody(string path)
    {
        using var client = api.CreateClient();
        using var first = await client.GetAsync(new Uri(path, UriKind.Relative));
        var etag = first.Headers.ETag;

        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag!);
        using var notModified = await client.SendAsync(again);
        using var stale = new HttpRequestMessage(HttpMethod.Get, path);
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"an-old-catalog\"", isWeak: true));
        using var modified = await client.SendAsync(stale);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(etag);
        Assert.True(etag.IsWeak);
        Assert.Equal("public, max-age=300", first.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, notModified.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
    }

    [Fact]
    public async Task CatalogGet_UnknownId_Has404AndNoETag()
    {
        using var response = await api.CreateClient().GetAsync(new Uri("/v1/gpus/h100", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(response.Headers.ETag);
        await response.ReadProblemAsync();
    }

    [Fact]
    public async Task Cors_PreflightAllowsTraceparentAndResponsesExposeRetryAfterAndVaryByOrigin()
    {
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "https://dash.example.com" });
        using var client = factory.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/estimates");
        preflight.Headers.Add("Origin", "https://dash.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,traceparent");
        using var actual = new HttpRequestMessage(HttpMethod.Get, "/v1/gpus");
        actual.Headers.Add("Origin", "https://dash.example.com");
        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/v1/gpus");
        foreign.Headers.Add("Origin", "https://elsewhere.example.com");

        using var preflightResponse = await client.SendAsync(preflight);
        using var actualResponse = await client.SendAsync(actual);
        using var foreignResponse = await client.SendAsync(foreign);

        var allowedHeaders = string.Join(',', preflightResponse.Headers.GetValues("Access-Control-Allow-Headers"));
        Assert.Contains("traceparent", allowedHeaders, StringComparison.OrdinalIgnoreCase);
        var exposed = string.Join(',', actualResponse.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("Retry-After", exposed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Origin", actualResponse.Headers.Vary);
        Assert.Contains("Origin", foreignResponse.Headers.Vary);
        Assert.False(foreignResponse.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task RateLimit_BehindAConfiguredProxy_GivesEachForwardedClientItsOwnBucket()
    {
        var statuses = await ThreeRequestsFromTwoForwardedClientsAsync(new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });

        // Client A spends its one permit, then is limited; client B still has its own.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public async Task RateLimit_ForwardedHeaderFromAnUnconfiguredPeer_IsIgnored()
    {
        var statuses = await ThreeRequestsFromTwoForwardedClientsAsync([]);

        // Without a trusted proxy, X-Forwarded-For could be forged: every request is the connection's, one bucket.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Metrics_ExposeRuntimeAndProcessInstrumentsAndTheServiceName()
    {
        using var client = api.CreateClient();
        var text = string.Empty;
        for (var attempt = 0; attempt < 50 && !text.Contains("dotnet_gc_collections_total", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 100);
            text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }

        Assert.Contains("dotnet_gc_collections_total{", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_process_memory_working_set_bytes{", text, StringComparison.Ordinal);
        Assert.Contains("process_cpu_time_seconds_total{", text, StringComparison.Ordinal);
        Assert.Matches("target_info\\{[^}]*service_name=\"sizing\"", text);
    }

    private static async Task<List<HttpStatusCode>> ThreeRequestsFromTwoForwardedClientsAsync(Dictionary<string, string?> settings)
    {
        settings["RateLimiting:Enabled"] = "true";
        settings["RateLimiting:PermitLimit"] = "1";
        settings["RateLimiting:WindowSeconds"] = "60";
        await using var factory = SizingApiFixture.CreateFactory(settings);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        using var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        foreach (var forwardedFor in new[] { "203.0.113.10", "203.0.113.10", "203.0.113.20" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/gpus");
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    [GeneratedRegex("<VersionPrefix>([^<]+)</VersionPrefix>")]
    private static partial Regex VersionPrefix();
}
