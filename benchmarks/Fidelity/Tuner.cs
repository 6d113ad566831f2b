using System.Globalization;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Performance;

namespace Sizing.Fidelity;

/// <summary>Fits one engine's profile to the serving cases of that engine by coordinate descent.</summary>
/// <remarks>
/// The loss is the sum over the latency and throughput families of median + 0.5·p90 absolute percentage error, so the
/// fit cannot buy a good median with a long tail. One profile per engine, shared by every model, GPU and shape: the fit
/// calibrates physics constants and cannot single out a row.
/// </remarks>
public static class Tuner
{
    private static readonly string[] Families = ["tpot", "ttft", "e2e", "throughput"];

    public static PerformanceAssumptions Tune(IReadOnlyList<CaseRow> rows, HardwareCatalog catalog, Engine engine, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var cases = rows.Where(r => r.Kind == "serving" && CasePredictor.EngineOf(r) == engine).ToList();
        var current = PerformanceAssumptions.Default;
        var best = Loss(cases, catalog, current);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{engine}: {cases.Count} cases, start loss {best:0.0}"));
        double[] steps = [0.25, 0.1, 0.04];
        foreach (var step in steps)
        {
            var improved = true;
            while (improved)
            {
                improved = false;
                for (var field = 0; field < FieldCount; field++)
                {
                    foreach (var direction in new[] { 1 + step, 1 / (1 + step) })
                    {
                        var candidate = With(current, engine, field, direction);
                        if (candidate is null)
                        {
                            continue;
                        }

                        var loss = Loss(cases, catalog, candidate);
                        if (loss < best - 0.01)
                        {
                            (best, current, improved) = (loss, candidate, true);
                        }
                    }
                }
            }
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{engine}: final loss {best:0.0}: {current.For(engine)}"));
        return current;
    }

    private static double Loss(List<CaseRow> cases, HardwareCatalog catalog, PerformanceAssumptions assumptions)
    {
        var predictions = cases.Select(c => CasePredictor.Predict(c, catalog, assumptions)).ToList();
        return FidelityReport.Summarise(predictions)
            .Where(s => Families.Contains(s.Family) && s.Count > 0)
            .Sum(s => s.Median + (0.5 * s.P90));
    }

    private const int FieldCount = 4;

    private static PerformanceAssumptions? With(PerformanceAssumptions a, Engine engine, int field, double factor)
    {
        // Physical ranges: engines with CUDA graphs spend well under a few milliseconds per step outside kernels, a layer's
        // small kernels cost a few µs each, an API server tens of milliseconds at most. A fit that wants more is fitting noise.
        var p = a.For(engine);
        EngineProfile? next = field switch
        {
            0 => p with { StepOverheadUs = Math.Clamp(p.StepOverheadUs * factor, 20, 3000) },
            1 => p with { LayerFloorUs = Math.Clamp(p.LayerFloorUs * factor, 1, 40) },
            2 => p with { RequestOverheadUs = Math.Clamp(p.RequestOverheadUs * factor, 100, 100_000) },
            3 => p with { SequenceStepUs = Math.Clamp(Math.Max(p.SequenceStepUs, 1) * factor, 0, 200) },
            _ => null,
        };
        return next is null ? null : engine switch
        {
            Engine.Vllm => a with { Vllm = next },
            Engine.Sglang => a with { Sglang = next },
            Engine.Trtllm => a with { Trtllm = next },
            Engine.Lmdeploy => a with { Lmdeploy = next },
            _ => a with { Generic = next },
        };
    }
}
