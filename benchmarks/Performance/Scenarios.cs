using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;
using Sizing.Domain.Recommendation;
using Sizing.Domain.Units;

namespace Sizing.Benchmarks;

/// <summary>The inputs the benchmarks time, built once from the embedded catalog.</summary>
public static class Scenarios
{
    /// <summary>Llama-3-70B bf16 at TP 4 on H100 SXM, 2048 in / 256 out, 64 requests in flight.</summary>
    public static DeploymentInput SingleEstimate()
    {
        var catalog = HardwareCatalog.BuiltIn;
        var gpu = catalog.FindGpu("h100-sxm-80gb")!;
        var model = catalog.FindModel("llama-3-70b")!.Architecture;
        var memory = new MemoryInput(model, gpu, new Parallelism(4), Precision.Bf16, Precision.Bf16, Engine.Vllm, 2304, 2304, 64);
        return new DeploymentInput(memory, new Topology(gpu, 8, IntraNodeLink.NvSwitch, InterNodeLink.InfiniBand), 2048, 256, Batching.Continuous);
    }

    /// <summary>Llama-3-70B over every catalog GPU (its usual node), bf16 and fp8, a 16-GPU budget, 10 req/s, TTFT 2 s, TPOT 50 ms.</summary>
    public static RecommendationInput WholeCatalogSearch()
    {
        var catalog = HardwareCatalog.BuiltIn;
        var spec = catalog.FindModel("llama-3-70b")!;
        var hardware = catalog.Gpus.Select(g => new HardwareOption(g, g.Node.GpusPerNode, g.Node.IntraNode, InterNodeLink.InfiniBand)).ToList();
        return new RecommendationInput(spec.Architecture, spec.HfId, hardware, 16, 2048, 256, 10,
            new ServiceLevel(Seconds.FromMilliseconds(2000), Seconds.FromMilliseconds(50)), [Precision.Bf16, Precision.Fp8]);
    }

    /// <summary>Issue 10's wide-EP request: DeepSeek-V3 fp8 over every catalog GPU, a 256-GPU budget, 100 req/s, 2000 in / 1000
    /// out, TTFT 2 s, TPOT 50 ms, SGLang: TP, DP attention with wide EP across nodes, MTP and disaggregated pairs.</summary>
    public static RecommendationInput WideExpertSearch()
    {
        var catalog = HardwareCatalog.BuiltIn;
        var spec = catalog.FindModel("deepseek-v3")!;
        var hardware = catalog.Gpus.Select(g => new HardwareOption(g, g.Node.GpusPerNode, g.Node.IntraNode, InterNodeLink.InfiniBand)).ToList();
        return new RecommendationInput(spec.Architecture, spec.HfId, hardware, 256, 2000, 1000, 100,
            new ServiceLevel(Seconds.FromMilliseconds(2000), Seconds.FromMilliseconds(50)), [Precision.Fp8], Engine.Sglang, Limit: 10);
    }
}
