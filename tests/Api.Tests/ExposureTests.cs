using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;
using Serilog.Parsing;
using Sizing.Api.Infrastructure;

namespace Sizing.Api.Tests;

/// <summary>What the service shows of itself: log lines that cannot be forged, no Server header, UI and metrics as configured.</summary>
public sealed class ExposureTests
{
    [Fact]
    public void TextLog_RequestPathWithAnEncodedNewline_StaysOneLine()
    {
        // Kestrel decodes %0A in the path, so "/v1/x%0A[12:00:00 INF] forged" reaches the request log with a real newline.
        var template = new MessageTemplateParser().Parse("HTTP {RequestMethod} {RequestPath} responded {StatusCode}");
        var logEvent = new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, template,
        [
            new LogEventProperty("RequestMethod", new ScalarValue("GET")),
            new LogEventProperty("RequestPath", new ScalarValue("/v1/x\n[12:00:00 INF] HTTP GET /admin responded 200\r\u001b[2K")),
            new LogEventProperty("StatusCode", new ScalarValue(404)),
        ]);
        using var output = new StringWriter(CultureInfo.InvariantCulture);

        new EscapingTextFormatter().Format(logEvent, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(@"/v1/x\n[12:00:00 INF] HTTP GET /admin responded 200\r\u001b[2K responded 404", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void TextLog_ExceptionWithANewlineInItsMessage_IndentsEveryLineAfterTheFirst()
    {
        var template = new MessageTemplateParser().Parse("Unhandled exception for {Path}");
        var logEvent = new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Error, new InvalidOperationException("bad\n[12:00:00 INF] forged"), template,
            [new LogEventProperty("Path", new ScalarValue("/v1/estimates"))]);
        using var output = new StringWriter(CultureInfo.InvariantCulture);

        new EscapingTextFormatter().Format(logEvent, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("[", lines[0], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), line => Assert.True(char.IsWhiteSpace(line[0]), line));
    }

    [Fact]
    public async Task Responses_OverKestrel_CarryNoServerHeader()
    {
        await using var factory = SizingApiFixture.CreateFactory();
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.Server);
    }

    [Fact]
    public async Task SwaggerUi_TurnedOff_IsGoneButTheOpenApiDocumentStays()
    {
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["OpenApi:SwaggerUi"] = "false" });
        using var client = factory.CreateClient();

        using var ui = await client.GetAsync(new Uri("/swagger/index.html", UriKind.Relative));
        using var document = await client.GetAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, ui.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public async Task Metrics_OnAManagementPort_AreNotServedOnTheApiPort()
    {
        const int ManagementPort = 5111;
        await using var factory = SizingApiFixture.CreateFactory(new Dictionary<string, string?> { ["Observability:MetricsPort"] = $"{ManagementPort}" });
        factory.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, ManagementPort);
        });
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        using var api = new HttpClient { BaseAddress = new Uri(addresses.Single(a => !a.EndsWith($":{ManagementPort}", StringComparison.Ordinal))) };
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ManagementPort}") };

        using var onApiPort = await api.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var onManagementPort = await management.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var health = await api.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, onApiPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onManagementPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
