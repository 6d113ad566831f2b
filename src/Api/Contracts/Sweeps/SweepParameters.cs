using System.Globalization;
using Sizing.Api.Contracts.Estimates;

namespace Sizing.Api.Contracts.Sweeps;

/// <summary>The parameters a sweep may vary: each one's range and how it rewrites the base request.</summary>
public static class SweepParameters
{
    public const int MaxValues = 256;

    private static readonly Dictionary<string, (double Min, double Max, bool Whole, Func<EstimateRequest, double, EstimateRequest> Apply)> All =
        new(StringComparer.Ordinal)
        {
            ["concurrency"] = (1, Limits.MaxConcurrency, true, (r, v) => r with { Workload = r.Workload! with { Concurrency = (int)v } }),
            ["inputTokens"] = (1, Limits.MaxInputTokens, true, (r, v) => r with { Workload = r.Workload! with { InputTokens = (int)v } }),
            ["outputTokens"] = (0, Limits.MaxOutputTokens, true, (r, v) => r with { Workload = r.Workload! with { OutputTokens = (int)v } }),
            ["tensor"] = (1, Limits.MaxTensor, true, (r, v) => r with { Parallelism = (r.Parallelism ?? new ParallelismRequest()) with { Tensor = (int)v } }),
            ["pipeline"] = (1, Limits.MaxPipeline, true, (r, v) => r with { Parallelism = (r.Parallelism ?? new ParallelismRequest()) with { Pipeline = (int)v } }),
            ["expert"] = (1, Limits.MaxExpert, true, (r, v) => r with { Parallelism = (r.Parallelism ?? new ParallelismRequest()) with { Expert = (int)v } }),
            ["gpuMemoryUtilization"] = (Limits.MinGpuMemoryUtilization, 1, false, (r, v) => r with { GpuMemoryUtilization = v }),
        };

    public static string Names => string.Join(" | ", All.Keys);

    public static bool IsValid(string? parameter) => parameter is not null && All.ContainsKey(parameter);

    /// <summary>Why <paramref name="value"/> is out of range for <paramref name="parameter"/>, or null.</summary>
    public static string? Problem(string parameter, double value)
    {
        var (min, max, whole, _) = All[parameter];
        if (!double.IsFinite(value) || (whole && value != Math.Floor(value)))
        {
            return $"'{parameter}' takes whole numbers.";
        }

        if (parameter == "gpuMemoryUtilization")
        {
            return Limits.IsGpuMemoryUtilization(value) ? null : Limits.GpuMemoryUtilizationMessage;
        }

        return value >= min && value <= max
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"'{parameter}' must be between {min:N0} and {max:N0}.");
    }

    /// <summary>The base request with the parameter set to <paramref name="value"/>.</summary>
    public static EstimateRequest Apply(EstimateRequest request, string parameter, double value) => All[parameter].Apply(request, value);
}
