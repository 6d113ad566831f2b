using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Xunit.Abstractions;

namespace Sizing.Api.Tests.Fuzzing;

/// <summary>
/// Property-based fuzzing over the request schemas (CsCheck): whatever a generator produces, the service answers within its
/// budget, never with a 5xx, errors as problem+json naming a field, and every number of a 200 finite and physically possible.
/// </summary>
/// <remarks>
/// Seeded, so a run is repeatable; <c>SIZING_FUZZ_SCALE</c> multiplies the iteration counts for a long local run (the default
/// keeps the whole class to well under a minute on 2 cores). A failing case is shrunk by CsCheck and printed with its seed.
/// </remarks>
[Collection("api")]
public sealed class PropertyTests(SizingApiFixture api, ITestOutputHelper output)
{
    private const string Seed = "0N0XIzNsQ0O2";

    /// <summary>The request budget the fixture runs with (Limits:RequestTimeoutSeconds).</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    private static readonly long Scale = long.TryParse(Environment.GetEnvironmentVariable("SIZING_FUZZ_SCALE"), CultureInfo.InvariantCulture, out var scale) ? Math.Max(1, scale) : 1;

    /// <summary>Figures that may be negative: headroom is capacity minus need.</summary>
    private static readonly HashSet<string> Signed = ["headroomGiB"];

    public static TheoryData<string> Endpoints => ["estimates", "estimates-inline-config", "estimates-mutated", "resolve", "sweeps", "sweeps-mutated", "recommendations", "recommendations-mutated", "collectives", "collectives-mutated"];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task GeneratedRequests_AreAnsweredWithinBudget_NeverA5xx_WithPhysicallyPossibleFigures(string name)
    {
        var (path, gen, iterations) = name switch
        {
            "estimates" => ("/v1/estimates", SchemaGenerators.Estimate, 400),
            "estimates-inline-config" => ("/v1/estimates", SchemaGenerators.EstimateWithConfig, 400),
            "estimates-mutated" => ("/v1/estimates", SchemaGenerators.Mutated(SchemaGenerators.EstimateWithConfig), 400),
            "resolve" => ("/v1/models/resolve", SchemaGenerators.AdversarialConfig, 400),
            "sweeps" => ("/v1/sweeps", SchemaGenerators.Sweep, 60),
            "sweeps-mutated" => ("/v1/sweeps", SchemaGenerators.Mutated(SchemaGenerators.Sweep), 60),
            "recommendations" => ("/v1/recommendations", SchemaGenerators.Recommendation, 40),
            "recommendations-mutated" => ("/v1/recommendations", SchemaGenerators.Mutated(SchemaGenerators.Recommendation), 60),
            "collectives" => ("/v1/collectives", SchemaGenerators.Collective, 200),
            _ => ("/v1/collectives", SchemaGenerators.Mutated(SchemaGenerators.Collective), 200),
        };
        using var client = api.CreateClient();
        var statuses = new ConcurrentDictionary<int, int>();
        var slowest = TimeSpan.Zero;

        await gen.SampleAsync(async body =>
        {
            var text = body.ToJsonString();
            var watch = Stopwatch.StartNew();
            using var response = await client.PostJsonAsync(path, text);
            var content = await response.Content.ReadAsStringAsync();
            watch.Stop();
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;

            Assert.True(status < 500, $"{status}: {content}");
            Assert.True(watch.Elapsed < Budget, $"answered after {watch.Elapsed}");
            if (status >= 400)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                using var problem = JsonDocument.Parse(content);
                Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("traceId").GetString()));
                if (status == 400)
                {
                    Assert.NotEmpty(problem.RootElement.GetProperty("errors").EnumerateObject());
                }

                return;
            }

            Assert.Equal(200, status);
            using var document = JsonDocument.Parse(content);
            AssertPhysical(document.RootElement, "$");
        }, seed: Seed, iter: iterations * Scale, threads: 1, print: b => b.ToJsonString());

        output.WriteLine($"POST {path} ({name}): {iterations * Scale} generated requests; statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; slowest {slowest.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Generators_CoverEveryFieldOfEveryRequestSchema()
    {
        using var client = api.CreateClient();
        var schemas = (await client.GetJsonAsync("/swagger/v1/swagger.json")).Json.GetProperty("components").GetProperty("schemas");

        foreach (var (schema, covered) in SchemaGenerators.Fields)
        {
            var properties = schemas.GetProperty(schema).GetProperty("properties").EnumerateObject().Select(p => p.Name);
            Assert.Equal(properties.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>Every number finite and, except signed figures, not negative; the figures no deployment can show, absent.</summary>
    private static void AssertPhysical(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.Number && !Signed.Contains(property.Name))
                    {
                        Assert.True(property.Value.GetDouble() >= 0, $"{path}.{property.Name} = {property.Value} is negative");
                    }

                    AssertPhysical(property.Value, $"{path}.{property.Name}");
                }

                AssertRelations(element, path);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    AssertPhysical(item, $"{path}[{i++}]");
                }

                break;
            case JsonValueKind.Number:
                Assert.True(double.IsFinite(element.GetDouble()), $"{path} = {element} is not finite");
                break;
        }
    }

    /// <summary>Relations between figures that hold for any deployment or model.</summary>
    private static void AssertRelations(JsonElement element, string path)
    {
        if (element.TryGetProperty("perGpu", out var perGpu) && element.TryGetProperty("kvCacheBytesPerTokenPerGpu", out var perToken))
        {
            Assert.True(perToken.GetDouble() > 0, $"{path}: a token stores no KV");
            Assert.True(perGpu.GetProperty("weightsGiB").GetDouble() > 0, $"{path}: no weights");
            Assert.True(perGpu.GetProperty("totalGiB").GetDouble() >= perGpu.GetProperty("weightsGiB").GetDouble(), $"{path}: total below the weights");
        }

        if (element.TryGetProperty("totalParameters", out var total))
        {
            Assert.InRange(total.GetInt64(), 1, Domain.Architecture.ModelLimits.MaxParameters);
            Assert.InRange(element.GetProperty("activeParameters").GetInt64(), 1, total.GetInt64());
            Assert.True(element.GetProperty("architecture").GetProperty("headDim").GetInt32() >= 1, $"{path}: zero head dimension");
        }

        if (element.TryGetProperty("ttftMs", out var ttft) && element.TryGetProperty("tpotMs", out var tpot) && ttft.ValueKind == JsonValueKind.Number && tpot.ValueKind == JsonValueKind.Number)
        {
            Assert.True(ttft.GetDouble() > 0 && tpot.GetDouble() > 0, $"{path}: latency of zero");
        }
    }
}
