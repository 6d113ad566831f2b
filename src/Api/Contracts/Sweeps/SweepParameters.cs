using System.Globalization;
using System.Text.Json.Serialization;
using Sizing.Api.Contracts.Estimates;
using Sizing.Domain;

namespace Sizing.Api.Contracts.Sweeps;

/// <summary>A request field a sweep may vary, named as the field is.</summary>
public enum SweepParameter
{
    [JsonStringEnumMemberName("concurrency")] Concurrency,
    [JsonStringEnumMemberName("inputTokens")] InputTokens,
    [JsonStringEnumMemberName("outputTokens")] OutputTokens,
    [JsonStringEnumMemberName("tensor")] Tensor,
    [JsonStringEnumMemberName("pipeline")] Pipeline,
    [JsonStringEnumMemberName("expert")] Expert,
    [JsonStringEnumMemberName("gpuMemoryUtilization")] GpuMemoryUtilization,
}

/// <summary>The parameters a sweep may vary: each one's range and how it rewrites the base request.</summary>
public static class SweepParameters
{
    public const int MaxValues = 256;

    private static readonly Dictionary<SweepParameter, (double Min, double Max, bool Whole, Func<EstimateRequest, double, EstimateRequest> Apply)> All = new()
    {
        [SweepParameter.Concurrency] = (1, Limits.MaxConcurrency, true, (r, v) => r with { Workload = r.Workload! with { Concurrency = (int)v } }),
        [SweepParameter.InputTokens] = (1, Limits.MaxInputTokens, true, (r, v) => r with { Workload = r.Workload! with { InputTokens = (int)v } }),
        [SweepParameter.OutputTokens] = (0, Limits.MaxOutputTokens, true, (r, v) => r with { Workload = r.Workload! with { OutputTokens = (int)v } }),
        [SweepParameter.Tensor] = (1, Limits.MaxTensor, true, (r, v) => r with { Parallelism = (r.Parallelism ?? new ParallelismRequest()) with { Tensor = (int)v } }),
        [SweepParameter.Pipeline] = (1, Limits.MaxPipeline, true, (r, v) => r with { Parallelism = (r.Parallelism ?? new ParallelismRequest()) with { Pipeline = (int)v } }),
        [SweepParameter.Expert] = (1, Limits.MaxExpert, true, (r, v) => r with { Parallelism = (r.Parallelism ?? new ParallelismRequest()) with { Expert = (int)v } }),
        [SweepParameter.GpuMemoryUtilization] = (Limits.MinGpuMemoryUtilization, 1, false, (r, v) => r with { GpuMemoryUtilization = v }),
    };

    /// <summary>Why <paramref name="value"/> is out of range for <paramref name="parameter"/>, or null.</summary>
    public static string? Problem(SweepParameter parameter, double value)
    {
        var (min, max, whole, _) = All[parameter];
        var name = EnumText.Of(parameter);
        if (!double.IsFinite(value) || (whole && value != Math.Floor(value)))
        {
            return $"'{name}' takes whole numbers.";
        }

        if (parameter == SweepParameter.GpuMemoryUtilization)
        {
            return Limits.IsGpuMemoryUtilization(value) ? null : Limits.GpuMemoryUtilizationMessage;
        }

        return value >= min && value <= max
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"'{name}' must be between {min:N0} and {max:N0}.");
    }

    /// <summary>The base request with the parameter set to <paramref name="value"/>.</summary>
    public static EstimateRequest Apply(EstimateRequest request, SweepParameter parameter, double value) => All[parameter].Apply(request, value);
}
