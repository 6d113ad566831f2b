using BenchmarkDotNet.Attributes;
using Sizing.Domain.Performance;
using Sizing.Domain.Recommendation;

namespace Sizing.Benchmarks;

/// <summary>The two latency bars: one full estimate, and a whole-catalog recommendation search (dense, and MoE with every layout kind).</summary>
[MemoryDiagnoser]
public class SizingBenchmarks
{
    private readonly DeploymentInput _estimate = Scenarios.SingleEstimate();
    private readonly RecommendationInput _search = Scenarios.WholeCatalogSearch();
    private readonly RecommendationInput _wideExpert = Scenarios.WideExpertSearch();

    [Benchmark(Description = "estimate: llama-3-70b TP4 on H100, 64 in flight")]
    public DeploymentEstimate SingleEstimate() => DeploymentEstimator.Estimate(_estimate);

    [Benchmark(Description = "search: llama-3-70b, whole catalog, 16 GPUs")]
    public RecommendationResult WholeCatalogSearch() => RecommendationSearch.Search(_search);

    [Benchmark(Description = "search: deepseek-v3 fp8, whole catalog, 256 GPUs, DP/EP/PD/MTP")]
    public RecommendationResult WideExpertSearch() => RecommendationSearch.Search(_wideExpert);
}
