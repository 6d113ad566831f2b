using System.Collections.Immutable;
using System.Text.Json.Nodes;
using CsCheck;
using Sizing.Api.Contracts;
using Sizing.Api.Contracts.Recommendations;
using Sizing.Api.Contracts.Sweeps;
using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Tests.Fuzzing;

/// <summary>CsCheck generators for the request schemas: every field the OpenAPI document lists, over its documented range.</summary>
/// <remarks>
/// Ranges come from the API's own limits (<see cref="Limits"/>, the validators' constants), so a widened range is fuzzed at once.
/// <see cref="Fields"/> lists what each generator covers; a test compares it with the OpenAPI schemas, so a new field cannot
/// be left out.
/// </remarks>
public static class SchemaGenerators
{
    private static readonly string[] Gpus = [.. HardwareCatalog.BuiltIn.Gpus.Select(g => g.Id)];
    private static readonly string[] Models = [.. HardwareCatalog.BuiltIn.Models.Select(m => m.Id)];
    private static readonly string[] Precisions = ["fp32", "fp16", "bf16", "fp8", "int8", "int4", "fp4"];
    private static readonly string[] Engines = ["vllm", "sglang", "trtllm", "lmdeploy", "generic"];
    private static readonly string[] IntraNode = [.. Enum.GetValues<Domain.Deployment.IntraNodeLink>().Select(Domain.EnumText.Of)];
    private static readonly string[] InterNode = [.. Enum.GetValues<Domain.Deployment.InterNodeLink>().Select(Domain.EnumText.Of)];

    private static readonly string[] ConfigFields =
    [
        "num_hidden_layers", "hidden_size", "intermediate_size", "num_attention_heads", "num_key_value_heads", "head_dim", "vocab_size",
        "num_local_experts", "num_experts", "n_routed_experts", "num_experts_per_tok", "moe_intermediate_size", "n_shared_experts",
        "kv_lora_rank", "q_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim", "max_position_embeddings", "sliding_window",
        "rotary_dim", "first_k_dense_replace", "moe_layer_freq", "decoder_sparse_step", "interleave_moe_layer_step", "attention_chunk_size",
        "sliding_window_pattern", "shared_expert_intermediate_size",
    ];

    private static readonly string[] ListFields = ["mlp_only_layers", "layer_types", "no_rope_layers", "moe_layers"];

    private static readonly double[] AdversarialNumbers =
    [
        0, 1, 2, 3, -1, 0.5, 5e-324, 1e308, 1e9, 1e6, 2_147_483_647, 2_147_483_648,
        ModelLimits.Layers.Max, ModelLimits.Layers.Max + 1, ModelLimits.Width.Max, ModelLimits.Width.Max + 1, ModelLimits.FfnWidth.Max,
        ModelLimits.Heads.Max, ModelLimits.Experts.Max, ModelLimits.Vocab.Max, ModelLimits.Positions.Max, ModelLimits.Positions.Max + 1,
    ];

    private static readonly JsonNode Absent = JsonValue.Create("\u0001absent");

    /// <summary>The schema fields each request generator sets, by schema name.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Fields = new Dictionary<string, string[]>
    {
        ["EstimateRequest"] = ["model", "modelConfig", "hardware", "parallelism", "precision", "workload", "engine", "gpuMemoryUtilization", "maxModelLength", "maxNumBatchedTokens", "maxNumSeqs", "chunkedPrefill", "blockSize", "engineVersion", "enforceEager", "disaggregation", "speculative"],
        ["HardwareRequest"] = ["gpu", "gpusPerNode", "intraNode", "interNode", "nicsPerNode", "nicGbps"],
        ["ParallelismRequest"] = ["tensor", "pipeline", "expert", "data", "attentionData", "redundantExperts", "moeExchange"],
        ["DisaggregationRequest"] = ["prefill", "decode", "kvLink", "layerwiseTransfer"],
        ["PoolRequest"] = ["gpu", "parallelism", "instances"],
        ["SpeculativeRequest"] = ["method", "draftTokens", "acceptanceRate", "draftModel"],
        ["PrecisionRequest"] = ["weights", "kvCache"],
        ["WorkloadRequest"] = ["inputTokens", "outputTokens", "concurrency", "batching", "arrival", "requestsPerSecond", "numPrompts"],
        ["SweepRequest"] = ["base", "vary"],
        ["SweepVaryRequest"] = ["parameter", "values"],
        ["RecommendationRequest"] = ["model", "modelConfig", "hardware", "workload", "slo", "precisions", "engine", "objective", "limit", "gpuMemoryUtilization"],
        ["RecommendationHardwareRequest"] = ["gpus", "maxGpus", "gpusPerNode", "intraNode", "interNode", "nicsPerNode", "nicGbps"],
        ["RecommendationWorkloadRequest"] = ["inputTokens", "outputTokens", "requestsPerSecond"],
        ["SloRequest"] = ["ttftMs", "tpotMs", "ttftP99Ms", "tpotP99Ms"],
        ["CollectiveRequest"] = ["operation", "gpu", "gpuCount", "gpusPerNode", "intraNode", "interNode", "nicsPerNode", "nicGbps", "algorithm", "messageBytes", "implementation"],
    };

    /// <summary>Catalog model configs as published (the inline configs start from these).</summary>
    public static readonly JsonObject[] PublishedConfigs =
    [
        .. JsonNode.Parse(File.ReadAllText(RepositoryFiles.PathOf("src/Domain/Catalog/Data/models.json")))!["models"]!.AsArray()
            .Select(m => m!["config"]!.AsObject()),
    ];

    /// <summary>Parallel degrees over their ranges, with the DP-attention and wide-EP layouts engines run (attentionData dividing data).</summary>
    private static Gen<JsonNode?> Parallelism { get; } = Object(
        ("tensor", Maybe(Edge(1, Limits.MaxTensor, 2, 4, 8, 16, 64))),
        ("pipeline", Maybe(Edge(1, Limits.MaxPipeline, 2, 4, 8))),
        ("expert", Maybe(Edge(1, Limits.MaxExpert, 2, 4, 8, 32, 72))),
        ("data", Maybe(Edge(1, Limits.MaxData, 2, 8, 32, 72))),
        ("attentionData", Maybe(Edge(1, Limits.MaxAttentionData, 2, 8, 32, 72), 1)),
        ("redundantExperts", Maybe(Edge(0, Limits.MaxExpert, 0, 32), 1)),
        ("moeExchange", Maybe(Gen.OneOf("allgather-reducescatter", "all-to-all", "deepep").Select(Str), 1))).Select(Node);

    /// <summary>A prefill or decode pool: its own GPU or the request's, one instance's degrees, 1 to 10,000 instances.</summary>
    private static Gen<JsonNode?> Pool { get; } = Object(
        ("gpu", Maybe(Gen.OneOf(Gpus).Select(Str), 1)),
        ("parallelism", Parallelism),
        ("instances", Edge(1, Contracts.Estimates.DisaggregationRequestValidator.MaxInstances, 1, 2, 4))).Select(Node);

    /// <summary>Estimate bodies: typical values, the ends of every range, and the scheduler settings of published engine configs.</summary>
    public static Gen<JsonObject> Estimate { get; } = Object(
        ("model", Maybe(Gen.OneOf(Models).Select(Str), 9)),
        ("hardware", Object(
            ("gpu", Gen.OneOf(Gpus).Select(Str)),
            ("gpusPerNode", Maybe(Edge(1, Limits.MaxGpusPerNode, 2, 4, 8, 16))),
            ("intraNode", Maybe(Gen.OneOf(IntraNode).Select(Str))),
            ("interNode", Maybe(Gen.OneOf(InterNode).Select(Str))),
            ("nicsPerNode", Maybe(Edge(1, Limits.MaxNicsPerNode, 4, 8, 32))),
            ("nicGbps", Maybe(Gen.OneOf(1.0, 100, 200, 400, Limits.MaxNicGbps).Select(Num)))).Select(Node)),
        ("parallelism", Maybe(Parallelism)),
        ("precision", Maybe(Object(
            ("weights", Maybe(Gen.OneOf(Precisions).Select(Str))),
            ("kvCache", Maybe(Gen.OneOf(Precisions).Select(Str)))).Select(Node))),
        ("workload", Object(
            ("inputTokens", Edge(1, Limits.MaxInputTokens, 128, 2048, 32_768, 262_144)),
            ("outputTokens", Edge(0, Limits.MaxOutputTokens, 1, 256, 4096)),
            ("concurrency", Maybe(Edge(1, Limits.MaxConcurrency, 8, 64, 256, 1024))),
            ("batching", Maybe(Gen.OneOf("continuous", "continuous-concurrency", "continuous-rate", "offline-max", "static").Select(Str))),
            ("arrival", Maybe(Gen.OneOf("steady", "burst", "rate").Select(Str))),
            ("requestsPerSecond", Maybe(Gen.OneOf(0.001, 0.5, 4.0, 100, Limits.MaxRequestsPerSecond).Select(Num))),
            ("numPrompts", Maybe(Edge(1, Limits.MaxRunRequests, 100, 1000)))).Select(Node)),
        ("engine", Maybe(Gen.OneOf(Engines).Select(Str))),
        ("gpuMemoryUtilization", Maybe(Gen.OneOf(Limits.MinGpuMemoryUtilization, 0.5, 0.8, 0.85, 0.9, 0.95, 1.0).Select(Num))),
        ("maxModelLength", Maybe(Edge(1, Limits.MaxInputTokens + Limits.MaxOutputTokens, 4096, 131_072))),
        ("maxNumBatchedTokens", Maybe(Gen.OneOf(1, 512, 2048, 8192, 16_384, 32_768, 65_536, 131_072, 262_144, 524_288, 1_048_576).Select(Num))),
        ("maxNumSeqs", Maybe(Gen.OneOf(1, 128, 256, 512, 1024, 1500, 2048, Limits.MaxConcurrency).Select(Num))),
        ("chunkedPrefill", Maybe(Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)))),
        ("blockSize", Maybe(Gen.OneOf(1, 8, 16, 32, 64, 128, 1024).Select(Num))),
        ("engineVersion", Maybe(Gen.OneOf("latest", "v0", "v1", "0.6.3", "0.8.5", "0.10.1.1", "0.11.0", "0.19.0", "0.4.3.post4").Select(Str))),
        ("enforceEager", Maybe(Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)))),
        ("disaggregation", Maybe(Object(
            ("prefill", Pool),
            ("decode", Pool),
            ("kvLink", Maybe(Gen.OneOf("nvlink", "infiniband", "roce", "ethernet", "pcie").Select(Str))),
            ("layerwiseTransfer", Maybe(Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))))).Select(Node), 1)),
        ("speculative", Maybe(Object(
            ("method", Gen.OneOf("mtp", "eagle", "draft").Select(Str)),
            ("draftTokens", Maybe(Edge(1, Contracts.Estimates.SpeculativeRequestValidator.MaxDraftTokens, 1, 2, 3))),
            ("acceptanceRate", Maybe(Gen.OneOf(0.0, 0.6, 0.85, 1.0).Select(Num))),
            ("draftModel", Maybe(Gen.OneOf(Models).Select(Str), 1))).Select(Node), 1)));

    /// <summary>Inline configs: a published config with dimensions pushed to and past their bounds, and per-layer lists of every length.</summary>
    public static Gen<JsonObject> AdversarialConfig { get; } =
        Gen.Select(Gen.OneOf(PublishedConfigs), Gen.Int[0, 3], Gen.OneOf(ConfigFields), Gen.OneOf(AdversarialNumbers), Gen.OneOf(ListFields), Gen.Int[0, 5], Gen.Int[-2, 3])
            .Select((published, changes, field, value, list, length, offset) =>
            {
                var config = published.DeepClone().AsObject();
                var text = config["text_config"] as JsonObject ?? config;
                var layers = (int?)(text["num_hidden_layers"] ?? text["n_layer"])?.GetValue<double>() ?? 32;
                if (changes is 0 or 2)
                {
                    text[field] = JsonValue.Create(value);
                }

                if (changes is 1 or 2)
                {
                    // 0, 1, layers − 1, layers, layers + 1 or 10 × layers entries, starting at offset (negative indexes included).
                    var count = new[] { 0, 1, layers - 1, layers, layers + 1, 10 * layers }[length];
                    text[list] = list == "layer_types"
                        ? new JsonArray([.. Enumerable.Range(0, Math.Max(0, count)).Select(i => (JsonNode?)(i % 2 == 0 ? "sliding_attention" : "full_attention"))])
                        : new JsonArray([.. Enumerable.Range(offset, Math.Max(0, count)).Select(i => (JsonNode?)i)]);
                }

                if (changes == 3)
                {
                    text["sliding_window"] = JsonValue.Create(Math.Abs(offset) + 1);
                    text["layer_types"] = new JsonArray([.. Enumerable.Range(0, layers + offset).Select(_ => (JsonNode?)"sliding_attention")]);
                }

                return config;
            });

    /// <summary>Estimates on an inline config (adversarial or as published) instead of a catalog id.</summary>
    public static Gen<JsonObject> EstimateWithConfig { get; } = Gen.Select(Estimate, Gen.Frequency((3, AdversarialConfig), (1, Gen.OneOf(PublishedConfigs))))
        .Select((body, config) =>
        {
            var copy = body.DeepClone().AsObject();
            copy.Remove("model");
            copy["modelConfig"] = config.DeepClone();
            return copy;
        });

    /// <summary>Sweeps over every parameter with values inside and at the ends of its range.</summary>
    public static Gen<JsonObject> Sweep { get; } = Gen.Select(
            Gen.Frequency((3, Estimate), (1, EstimateWithConfig)),
            Gen.OneOf("concurrency", "inputTokens", "outputTokens", "tensor", "pipeline", "expert", "gpuMemoryUtilization"),
            Gen.Int[1, SweepParameters.MaxValues],
            Gen.Double[0, 1])
        .Select((estimate, parameter, count, spread) => new JsonObject
        {
            ["base"] = estimate.DeepClone(),
            ["vary"] = new JsonObject
            {
                ["parameter"] = parameter,
                ["values"] = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode?)SweepValue(parameter, i, count, spread))]),
            },
        });

    /// <summary>Recommendation searches, from one GPU and a small budget to many GPU types, every precision and large budgets.</summary>
    public static Gen<JsonObject> Recommendation { get; } = Object(
        ("model", Gen.OneOf(Models).Select(Str)),
        ("hardware", Maybe(Object(
            ("gpus", Maybe(Gen.Int[1, 6].SelectMany(n => Gen.OneOf(Gpus).Array[n]).Select(ids => (JsonNode?)new JsonArray([.. ids.Select(id => (JsonNode?)id)])))),
            ("maxGpus", Maybe(Gen.OneOf(1, 2, 8, 16, 64, 256, RecommendationRequestValidator.MaxGpus).Select(Num))),
            ("gpusPerNode", Maybe(Edge(1, Limits.MaxGpusPerNode, 4, 8))),
            ("intraNode", Maybe(Gen.OneOf(IntraNode).Select(Str))),
            ("interNode", Maybe(Gen.OneOf(InterNode).Select(Str))),
            ("nicsPerNode", Maybe(Edge(1, Limits.MaxNicsPerNode, 4, 8, 32))),
            ("nicGbps", Maybe(Gen.OneOf(1.0, 100, 200, 400, Limits.MaxNicGbps).Select(Num)))).Select(Node))),
        ("workload", Object(
            ("inputTokens", Edge(1, Limits.MaxInputTokens, 128, 2048, 32_768)),
            ("outputTokens", Edge(1, Limits.MaxOutputTokens, 16, 256)),
            ("requestsPerSecond", Gen.OneOf(RecommendationRequestValidator.MinRequestsPerSecond, 0.5, 10, 1000, RecommendationRequestValidator.MaxRequestsPerSecond).Select(Num))).Select(Node)),
        ("slo", Maybe(Object(
            ("ttftMs", Maybe(Gen.OneOf(0.01, 200, 500, 5000, 3_600_000).Select(Num))),
            ("tpotMs", Maybe(Gen.OneOf(0.01, 10, 50, 200, 3_600_000).Select(Num))),
            ("ttftP99Ms", Maybe(Gen.OneOf(0.01, 500, 2000, 3_600_000).Select(Num))),
            ("tpotP99Ms", Maybe(Gen.OneOf(0.01, 50, 3_600_000).Select(Num)))).Select(Node))),
        ("precisions", Maybe(Gen.Int[1, 7].SelectMany(n => Gen.OneOf(Precisions).Array[n]).Select(p => (JsonNode?)new JsonArray([.. p.Select(x => (JsonNode?)x)])))),
        ("engine", Maybe(Gen.OneOf(Engines).Select(Str))),
        ("objective", Maybe(Gen.OneOf("min-cost", "min-gpus", "min-latency", "max-throughput-per-gpu").Select(Str))),
        ("limit", Maybe(Edge(1, RecommendationRequestValidator.MaxLimit, 5))),
        ("gpuMemoryUtilization", Maybe(Gen.OneOf(Limits.MinGpuMemoryUtilization, 0.5, 0.9, 1.0).Select(Num))));

    /// <summary>Collectives from 1 to 4,096 ranks and 0 bytes to 256 GiB.</summary>
    public static Gen<JsonObject> Collective { get; } = Object(
        ("operation", Gen.OneOf("all-reduce", "all-gather", "reduce-scatter", "all-to-all", "send-recv").Select(Str)),
        ("gpu", Gen.OneOf(Gpus).Select(Str)),
        ("gpuCount", Edge(1, Limits.MaxGpusPerReplica, 2, 8, 16, 72)),
        ("gpusPerNode", Maybe(Edge(1, Limits.MaxGpusPerNode, 8))),
        ("intraNode", Maybe(Gen.OneOf(IntraNode).Select(Str))),
        ("interNode", Maybe(Gen.OneOf(InterNode).Select(Str))),
        ("nicsPerNode", Maybe(Edge(1, Limits.MaxNicsPerNode, 8))),
        ("nicGbps", Maybe(Gen.OneOf(100, 400, Limits.MaxNicGbps).Select(Num))),
        ("algorithm", Maybe(Gen.OneOf("ring", "tree").Select(Str))),
        ("messageBytes", Gen.OneOf(0L, 1L, 8L << 20, 1L << 30, Contracts.Collectives.CollectiveRequestValidator.MaxMessageBytes).Select(v => (JsonNode?)JsonValue.Create(v))),
        ("implementation", Maybe(Gen.OneOf("nccl", "custom-allreduce").Select(Str))));

    /// <summary>A valid-shaped body with one field (at any depth) replaced by a hostile value.</summary>
    public static Gen<JsonObject> Mutated(Gen<JsonObject> valid) =>
        Gen.Select(valid, Gen.Int[0, int.MaxValue], Gen.OneOf(HostileValues))
            .Select((body, pick, hostile) =>
            {
                var copy = body.DeepClone().AsObject();
                var leaves = Leaves(copy).ToList();
                var (parent, key) = leaves[pick % leaves.Count];
                var value = hostile();
                switch (parent)
                {
                    case JsonObject obj:
                        obj[key] = value;
                        break;
                    case JsonArray array:
                        array[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] = value;
                        break;
                }

                return copy;
            });

    private static readonly Func<JsonNode?>[] HostileValues =
    [
        () => null, () => "", () => "quantum", () => "NVSwitch", () => new string('a', 5000), () => "\u0000\n\u001b",
        () => true, () => new JsonArray(), () => new JsonObject(), () => -1, () => 0, () => 2.5, () => 2_147_483_648L,
        () => long.MaxValue, () => 1e308, () => -1e308, () => 5e-324, () => -5e-324,
    ];

    private static double SweepValue(string parameter, int i, int count, double spread)
    {
        var (min, max) = parameter switch
        {
            "concurrency" => (1.0, Limits.MaxConcurrency),
            "inputTokens" => (1.0, Limits.MaxInputTokens),
            "outputTokens" => (0.0, Limits.MaxOutputTokens),
            "tensor" => (1.0, Limits.MaxTensor),
            "pipeline" => (1.0, Limits.MaxPipeline),
            "expert" => (1.0, Limits.MaxExpert),
            _ => (Limits.MinGpuMemoryUtilization, 1.0),
        };

        // Geometric steps from the minimum towards the maximum, reaching it when spread is 1.
        var value = min <= 0 && i == 0 ? 0 : Math.Max(min, 1) * Math.Pow(max / Math.Max(min, 1), spread * i / Math.Max(1, count - 1));
        return parameter == "gpuMemoryUtilization" ? Math.Clamp(value, min, max) : Math.Clamp(Math.Round(value), min, max);
    }

    private static IEnumerable<(JsonNode Parent, string Key)> Leaves(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    yield return (obj, key);
                    foreach (var leaf in child is null ? [] : Leaves(child))
                    {
                        yield return leaf;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (array, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    foreach (var leaf in array[i] is { } child ? Leaves(child) : [])
                    {
                        yield return leaf;
                    }
                }

                break;
        }
    }

    /// <summary>Integers from a range: mostly its two ends and the typical values given, sometimes anything inside.</summary>
    private static Gen<JsonNode?> Edge(int min, int max, params int[] typical) =>
        Gen.Frequency((2, Gen.OneOf([min, max, .. typical])), (1, Gen.Int[min, max])).Select(Num);

    private static Gen<JsonNode?> Maybe(Gen<JsonNode?> gen, int presentWeight = 3) =>
        Gen.Frequency((1, Gen.Const<JsonNode?>(Absent)), (presentWeight, gen));

    private static Gen<JsonObject> Object(params (string Name, Gen<JsonNode?> Value)[] fields)
    {
        var result = Gen.Const(ImmutableList<(string, JsonNode?)>.Empty);
        foreach (var (name, value) in fields)
        {
            result = result.SelectMany(list => value.Select(v => list.Add((name, v))));
        }

        return result.Select(list =>
        {
            var obj = new JsonObject();
            foreach (var (name, value) in list)
            {
                if (!ReferenceEquals(value, Absent))
                {
                    obj[name] = value?.DeepClone();
                }
            }

            return obj;
        });
    }

    private static JsonNode? Node(JsonObject obj) => obj;

    private static JsonNode? Str(string text) => JsonValue.Create(text);

    private static JsonNode? Num(int value) => JsonValue.Create(value);

    private static JsonNode? Num(double value) => JsonValue.Create(value);
}
