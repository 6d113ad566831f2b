using System.Globalization;
using BenchmarkDotNet.Running;
using Sizing.Benchmarks;
using Sizing.Domain.Recommendation;

// `--summary [wide-ep]` prints what the timed dense (or wide-EP) search finds (for the README); anything else goes to BenchmarkDotNet.
if (args is ["--summary"] or ["--summary", "wide-ep"])
{
    var result = RecommendationSearch.Search(args.Length == 1 ? Scenarios.WholeCatalogSearch() : Scenarios.WideExpertSearch());
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"candidates {result.CandidatesEvaluated}, estimates {result.EstimatesRun}, plans {result.Plans.Count}, rejected {result.RejectedCount}, pareto {result.ParetoFront.Count}"));
    foreach (var plan in result.Plans)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"#{plan.Rank} {plan.Hardware.Gpu.Id} {plan.Weights} TP{plan.Parallelism.Tensor} PP{plan.Parallelism.Pipeline} EP{plan.Parallelism.Expert} ×{plan.Replicas} = {plan.TotalGpus} GPUs ${plan.CostPerHourUsd:0.##}/h B={plan.ConcurrencyPerReplica} TTFT {plan.Ttft.Milliseconds:0} ms TPOT {plan.Estimate.Performance.Tpot.Milliseconds:0.#} ms"));
        foreach (var line in plan.Why)
        {
            Console.WriteLine("    " + line);
        }
    }

    foreach (var kind in result.RejectedByKind)
    {
        Console.WriteLine($"rejected {kind.Key}: {kind.Value}");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(SizingBenchmarks).Assembly).Run(args);
