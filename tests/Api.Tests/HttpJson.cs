using System.Net;
using System.Text;
using System.Text.Json;

namespace Sizing.Api.Tests;

/// <summary>A response read as JSON, with the status and content type the assertions need.</summary>
public sealed record JsonReply(HttpStatusCode Status, string? ContentType, JsonElement Json);

public static class HttpJson
{
    public static async Task<JsonReply> PostAsync(this HttpClient client, string route, string body)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(route, UriKind.Relative), content);
        return await ReadAsync(response);
    }

    public static async Task<JsonReply> GetJsonAsync(this HttpClient client, string route)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri(route, UriKind.Relative));
        return await ReadAsync(response);
    }

    /// <summary>Asserts an RFC 9457 validation problem naming <paramref name="field"/>, and returns that field's first message.</summary>
    public static string AssertValidationProblem(this JsonReply reply, string field)
    {
        ArgumentNullException.ThrowIfNull(reply);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("traceId").GetString()));
        var errors = reply.Json.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"errors does not name '{field}': {errors}");
        return messages[0].GetString()!;
    }

    private static async Task<JsonReply> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return new JsonReply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, json);
    }
}
