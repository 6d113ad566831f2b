using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Sizing.Api.Tests;

/// <summary>One in-memory Sizing host shared by the API tests; clients talk to it over real HTTP semantics.</summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public sealed class SizingApiFixture : IAsyncLifetime
{
    private readonly WebApplicationFactory<Program> _factory = new();

    public HttpClient CreateClient() => _factory.CreateClient();

    public Task InitializeAsync()
    {
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}

[CollectionDefinition("api")]
[SuppressMessage("Naming", "CA1711", Justification = "xunit's collection-definition naming.")]
public sealed class ApiCollection : ICollectionFixture<SizingApiFixture>;
