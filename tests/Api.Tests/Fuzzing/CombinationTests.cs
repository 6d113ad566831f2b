using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Sizing.Api.Tests.Fuzzing;

/// <summary>
/// Every field valid on its own, combined at random: the interactions the single-field fuzz cannot reach (an expert degree
/// above the tensor degree, a pipeline deeper than the layers, a million-token prompt on a consumer GPU) must still answer
/// 200 or a 400 naming a field, never a 5xx or a non-finite number.
/// </summary>
[Collection("api")]
public sealed class CombinationTests(SizingApiFixture api)
{
    private const int Seed = 20_261_126;
    private const int Requests = 600;

    [Fact]
    public async Task Estimates_RandomCombinationsOfValidFields_NeverFailOrReturnNonFiniteNumbers()
    {
        using var client = api.CreateClient();
        var gpus = (await client.GetJsonAsync("/v1/gpus")).Json.EnumerateArray().Select(g => g.GetProperty("id").GetString()!).ToArray();
        var models = (await client.GetJsonAsync("/v1/models")).Json.EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
        var random = new Random(Seed);
        T Pick<T>(params T[] values) => values[random.Next(values.Length)];
        var failures = new List<string>();

        for (var i = 0; i < Requests; i++)
        {
            var body = new JsonObject
            {
                ["model"] = Pick(models),
                ["hardware"] = new JsonObject
                {
                    ["gpu"] = Pick(gpus),
                    ["gpusPerNode"] = Pick(1, 2, 4, 8, 16, 72),
                    ["intraNode"] = Pick("nvswitch", "nvlink-bridge", "pcie", "pcie-cross-socket", "xgmi"),
                    ["interNode"] = Pick("infiniband", "roce", "ethernet"),
                },
                ["parallelism"] = new JsonObject
                {
                    ["tensor"] = Pick(1, 2, 3, 4, 8, 16, 64),
                    ["pipeline"] = Pick(1, 2, 3, 8, 61, 128),
                    ["expert"] = Pick(1, 2, 4, 8, 16),
                },
                ["precision"] = new JsonObject
                {
                    ["weights"] = Pick("fp32", "fp16", "bf16", "fp8", "int8", "int4", "fp4"),
                    ["kvCache"] = Pick("fp32", "bf16", "fp8", "int4", "fp4"),
                },
                ["workload"] = new JsonObject
                {
                    ["inputTokens"] = Pick(1, 128, 2048, 32768, 1_000_000),
                    ["outputTokens"] = Pick(0, 1, 256, 100_000),
                    ["concurrency"] = Pick(1, 7, 64, 1000, 100_000),
                    ["batching"] = Pick("static", "continuous"),
                },
                ["engine"] = Pick("vllm", "sglang", "trtllm", "lmdeploy", "generic"),
                ["gpuMemoryUtilization"] = Pick(0.01, 0.5, 0.9, 1.0),
            };
            var text = body.ToJsonString();

            using var response = await client.PostJsonAsync("/v1/estimates", text);
            var content = await response.Content.ReadAsStringAsync();

            var status = (int)response.StatusCode;
            if (status >= 500 || (status == 200 && (content.Contains("NaN", StringComparison.Ordinal) || content.Contains("Infinity", StringComparison.Ordinal))))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{status}: {text}"));
            }
            else if (status != 200)
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Contains("\"errors\"", content, StringComparison.Ordinal);
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(10)));
    }
}
