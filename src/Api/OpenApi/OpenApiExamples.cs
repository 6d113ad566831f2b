using System.Text.Json;
using System.Text.Json.Nodes;
using Sizing.Api.Contracts.Collectives;
using Sizing.Api.Contracts.Estimates;
using Sizing.Api.Contracts.Gpus;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Contracts.Recommendations;
using Sizing.Api.Contracts.Sweeps;
using Sizing.Api.Contracts.Version;
using Sizing.Api.Infrastructure;
using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Performance;
using Sizing.Domain.Recommendation;

namespace Sizing.Api.OpenApi;

/// <summary>The request examples Swagger UI's "Try it out" sends, and the responses the service gives to them.</summary>
/// <remarks>
/// Response examples are not written by hand: each is what the service computes for its request example, with the same
/// mappings the controllers use, so the numbers are the model's own and cannot drift from it.
/// </remarks>
public static class OpenApiExamples
{
    public const string HuggingFaceConfigSchema = "HuggingFaceConfig";

    /// <summary>meta-llama/Llama-3.1-8B-Instruct's config.json as published on Hugging Face (transformers_version omitted).</summary>
    public const string Llama31_8bConfig = """
        {
          "architectures": ["LlamaForCausalLM"],
          "attention_bias": false,
          "attention_dropout": 0.0,
          "bos_token_id": 128000,
          "eos_token_id": [128001, 128008, 128009],
          "hidden_act": "silu",
          "hidden_size": 4096,
          "initializer_range": 0.02,
          "intermediate_size": 14336,
          "max_position_embeddings": 131072,
          "mlp_bias": false,
          "model_type": "llama",
          "num_attention_heads": 32,
          "num_hidden_layers": 32,
          "num_key_value_heads": 8,
          "pretraining_tp": 1,
          "rms_norm_eps": 1e-05,
          "rope_scaling": { "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3" },
          "rope_theta": 500000.0,
          "tie_word_embeddings": false,
          "torch_dtype": "bfloat16",
          "use_cache": true,
          "vocab_size": 128256
        }
        """;

    public const string Estimate = """
        {
          "model": "llama-3-70b",
          "hardware": { "gpu": "h100-sxm-80gb", "gpusPerNode": 8, "intraNode": "nvswitch", "interNode": "infiniband" },
          "parallelism": { "tensor": 4, "pipeline": 1, "expert": 1, "data": 1 },
          "precision": { "weights": "bf16", "kvCache": "bf16" },
          "workload": { "inputTokens": 2048, "outputTokens": 256, "concurrency": 64, "batching": "continuous" },
          "engine": "vllm",
          "gpuMemoryUtilization": 0.9
        }
        """;

    /// <summary>DeepSeek-R1 FP8 on one 8×H200 node with DP 8 attention and EP 8 (SGLang --tp 8 --dp 8 --enable-dp-attention --ep-size 8).</summary>
    public const string EstimateDataParallelExpert = """
        {
          "model": "deepseek-r1",
          "hardware": { "gpu": "h200-sxm-141gb" },
          "parallelism": { "tensor": 1, "data": 8, "expert": 8, "moeExchange": "deepep" },
          "precision": { "weights": "fp8" },
          "workload": { "inputTokens": 2048, "outputTokens": 1024, "concurrency": 512 },
          "engine": "sglang"
        }
        """;

    /// <summary>DeepSeek-V3 on H100 split as in lmsys 2025-05-05: an EP32 prefill pool and an EP72 decode pool (32 redundant experts each).</summary>
    public const string EstimateDisaggregated = """
        {
          "model": "deepseek-v3",
          "hardware": { "gpu": "h100-sxm-80gb", "gpusPerNode": 8, "interNode": "infiniband" },
          "precision": { "weights": "fp8" },
          "workload": { "inputTokens": 2000, "outputTokens": 1000, "requestsPerSecond": 50 },
          "engine": "sglang",
          "disaggregation": {
            "prefill": { "parallelism": { "tensor": 1, "data": 32, "expert": 32, "redundantExperts": 32, "moeExchange": "deepep" }, "instances": 1 },
            "decode": { "parallelism": { "tensor": 1, "data": 72, "expert": 72, "redundantExperts": 32, "moeExchange": "deepep" }, "instances": 1 },
            "kvLink": "infiniband",
            "layerwiseTransfer": false
          }
        }
        """;

    /// <summary>DeepSeek-R1 FP8 on 8×H200 at TP 8 with one MTP module drafting (SGLang --speculative-algorithm EAGLE with the MTP head, vLLM method deepseek_mtp).</summary>
    public const string EstimateSpeculative = """
        {
          "model": "deepseek-r1",
          "hardware": { "gpu": "h200-sxm-141gb" },
          "parallelism": { "tensor": 8 },
          "precision": { "weights": "fp8" },
          "workload": { "inputTokens": 2048, "outputTokens": 1024, "concurrency": 16 },
          "engine": "sglang",
          "speculative": { "method": "mtp", "draftTokens": 1 }
        }
        """;

    /// <summary>The estimate examples Swagger UI offers, by name: the aggregated one first (the one clients get by default).</summary>
    public static IReadOnlyList<(string Name, string Summary, string Body)> EstimateVariants { get; } =
    [
        ("aggregated", "Llama-3-70B at TP 4 on H100, 64 requests in flight", Estimate),
        ("dp-attention-wide-ep", "DeepSeek-R1 FP8, DP 8 attention + EP 8 on 8×H200", EstimateDataParallelExpert),
        ("disaggregated", "DeepSeek-V3: EP32 prefill pool, EP72 decode pool, KV over InfiniBand", EstimateDisaggregated),
        ("speculative-mtp", "DeepSeek-R1 FP8 at TP 8 with MTP drafting one token", EstimateSpeculative),
    ];

    public const string Collective = """
        { "operation": "all-reduce", "gpu": "h100-sxm-80gb", "gpuCount": 8, "gpusPerNode": 8, "intraNode": "nvswitch",
          "interNode": "infiniband", "messageBytes": 1073741824, "implementation": "nccl" }
        """;

    public const string Recommendation = """
        {
          "model": "llama-3-70b",
          "hardware": { "gpus": ["h100-sxm-80gb", "a100-sxm-80gb"], "maxGpus": 16 },
          "workload": { "inputTokens": 2048, "outputTokens": 256, "requestsPerSecond": 10 },
          "slo": { "ttftMs": 500, "tpotMs": 50 },
          "precisions": ["bf16", "fp8"],
          "engine": "vllm",
          "objective": "min-cost",
          "limit": 3
        }
        """;

    public const string Sweep = """
        {
          "base": {
            "model": "llama-3-70b",
            "hardware": { "gpu": "h100-sxm-80gb" },
            "parallelism": { "tensor": 4 },
            "workload": { "inputTokens": 2048, "outputTokens": 256 }
          },
          "vary": { "parameter": "concurrency", "values": [1, 8, 64] }
        }
        """;

    /// <summary>The request body example of each operation that takes one, by operationId.</summary>
    public static IReadOnlyDictionary<string, string> Requests { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["resolveModelConfig"] = Llama31_8bConfig,
        ["estimateDeployment"] = Estimate,
        ["estimateCollective"] = Collective,
        ["recommendDeployments"] = Recommendation,
        ["sweepEstimate"] = Sweep,
    };

    /// <summary>The 200 body of each JSON operation, by operationId, as the service answers its example request.</summary>
    public static Dictionary<string, object> Responses(HardwareCatalog catalog, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var models = new ModelConfigCache();
        var collective = JsonSerializer.Deserialize<CollectiveRequest>(Collective, json)!.ToInput(catalog);
        var recommendation = JsonSerializer.Deserialize<RecommendationRequest>(Recommendation, json)!.ToDomain(catalog, models, CancellationToken.None);
        using var config = JsonDocument.Parse(Llama31_8bConfig);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["listGpus"] = catalog.Gpus.Take(2).Select(g => g.ToResponse()).ToList(),
            ["getGpu"] = catalog.FindGpu("h100-sxm-80gb")!.ToResponse(),
            ["listModels"] = catalog.Models.Take(2).Select(m => m.ToResponse()).ToList(),
            ["getModel"] = catalog.FindModel("llama-3-70b")!.ToResponse(),
            ["resolveModelConfig"] = ModelResolver.Resolve(config.RootElement).Architecture!.ToResponse(null, "llama", null, "request body"),
            ["estimateDeployment"] = JsonSerializer.Deserialize<EstimateRequest>(Estimate, json)!.Estimate(catalog, models),
            ["estimateCollective"] = Collectives.Estimate(collective.Operation, collective.Topology, collective.GpuCount, collective.MessageBytes, collective.Implementation)
                .ToResponse(collective, CommunicationAssumptions.Default),
            ["recommendDeployments"] = RecommendationSearch.Search(recommendation).ToResponse(recommendation.Objective),
            ["sweepEstimate"] = JsonSerializer.Deserialize<SweepRequest>(Sweep, json)!.Run(catalog, models, CancellationToken.None),
            ["getVersion"] = new VersionResponse(BuildInfo.ServiceName, BuildInfo.Version, BuildInfo.Commit, BuildInfo.Runtime),
        };
    }
}
