using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Sizing.Clients;

/// <summary>Runs each operation call of a smoke program, prints one line per call and a tally, and sets the exit code.</summary>
public sealed class Smoke(string client, string baseUrl)
{
    private readonly List<string> _failures = [];
    private int _passed;

    public string BaseUrl { get; } = baseUrl.TrimEnd('/');

    /// <summary>The request example of <paramref name="path"/>'s POST in the service's OpenAPI document, as JSON text.</summary>
    public static async Task<Func<string, string>> ExamplesAsync(string baseUrl)
    {
        using var http = new HttpClient();
        var document = JsonNode.Parse(await http.GetStringAsync($"{baseUrl.TrimEnd('/')}/swagger/v1/swagger.json"))!;
        // An operation documents one example, or several named ones (estimates: aggregated, DP attention, disaggregated);
        // the first of those is the plain case every client calls.
        return path =>
        {
            var content = document["paths"]![path]!["post"]!["requestBody"]!["content"]!["application/json"]!;
            return (content["example"] ?? content["examples"]!.AsObject().First().Value!["value"])!.ToJsonString();
        };
    }

    /// <summary>Calls one operation; <paramref name="call"/> returns a short description of what it deserialised.</summary>
    public async Task Run(string operation, Func<Task<string>> call)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var what = await call();
            _passed++;
            Console.WriteLine($"{client}: ok   {operation} ({clock.ElapsedMilliseconds} ms): {what}");
        }
        catch (Exception e)
        {
            _failures.Add(operation);
            Console.WriteLine($"{client}: FAIL {operation}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Prints the tally; the exit code is the number of failed calls.</summary>
    public int Finish()
    {
        Console.WriteLine($"{client}: {_passed} calls passed, {_failures.Count} failed{(_failures.Count > 0 ? ": " + string.Join(", ", _failures) : string.Empty)}");
        return _failures.Count;
    }

    public static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("unexpected response: " + what);
        }
    }
}
