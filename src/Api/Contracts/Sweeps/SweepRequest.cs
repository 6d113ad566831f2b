using System.ComponentModel.DataAnnotations;
using Sizing.Api.Contracts.Estimates;

namespace Sizing.Api.Contracts.Sweeps;

/// <summary>One estimate with one parameter varied: a series for charts.</summary>
public sealed record SweepRequest
{
    /// <summary>The deployment to vary: an estimates request (POST /v1/estimates), validated the same way.</summary>
    [Required]
    public EstimateRequest? Base { get; init; }

    /// <summary>The parameter and the values it takes.</summary>
    [Required]
    public SweepVaryRequest? Vary { get; init; }
}

/// <summary>Which parameter of <c>base</c> to vary.</summary>
public sealed record SweepVaryRequest
{
    /// <summary>concurrency | inputTokens | outputTokens | tensor | pipeline | expert | gpuMemoryUtilization.</summary>
    /// <example>concurrency</example>
    [Required]
    public SweepParameter? Parameter { get; init; }

    /// <summary>The values, 1–256 of them, each within the parameter's own range (whole numbers except gpuMemoryUtilization).</summary>
    /// <example>[1, 8, 64]</example>
    [Required]
    public IReadOnlyList<double>? Values { get; init; }
}
