using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Sizing.Api.Tests;

/// <summary>One in-memory Sizing host shared by the tests of the "api" collection.</summary>
/// <remarks>Logs at Warning and above only, so thousands of requests (the fuzz test) do not spend their time on the console.</remarks>
public sealed class SizingApiFixture : IAsyncLifetime
{
    private readonly WebApplicationFactory<Program> _factory = CreateFactory();

    public IServiceProvider Services => _factory.Services;

    public HttpClient CreateClient() => _factory.CreateClient();

    public HttpClient CreateClient(WebApplicationFactoryClientOptions options) => _factory.CreateClient(options);

    /// <summary>A separate host with extra configuration (for tests that change limits, overrides or CORS).</summary>
    public static WebApplicationFactory<Program> CreateFactory(IReadOnlyDictionary<string, string?>? settings = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Testing");
            host.UseSetting("Serilog:MinimumLevel:Default", "Warning");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                host.UseSetting(key, value);
            }
        });

    public Task InitializeAsync()
    {
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}

[CollectionDefinition("api")]
public sealed class ApiCollectionDefinition : ICollectionFixture<SizingApiFixture>;
