using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sizing.Api.Controllers;

/// <summary>Kubernetes probes, as controller actions so the OpenAPI document lists them with the other endpoints.</summary>
[ApiController]
public sealed class HealthController(HealthCheckService health) : ControllerBase
{
    /// <summary>Liveness: the process answers. No dependency is checked, so a slow dependency never restarts the pod.</summary>
    /// <remarks>For the Kubernetes liveness probe; not rate limited.</remarks>
    /// <response code="200">The process is alive; the body is "Healthy".</response>
    [HttpGet("/health/live", Name = "getLiveness")]
    [Produces("text/plain")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/plain")]
    public string Live() => nameof(HealthStatus.Healthy);

    /// <summary>Readiness: every registered health check passes (the catalog is loaded before the host starts).</summary>
    /// <remarks>For the Kubernetes readiness probe; not rate limited.</remarks>
    /// <response code="200">Ready to serve; the body is "Healthy" (or "Degraded").</response>
    /// <response code="503">Not ready; the body is "Unhealthy".</response>
    [HttpGet("/health/ready", Name = "getReadiness")]
    [Produces("text/plain")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/plain")]
    [ProducesResponseType<string>(StatusCodes.Status503ServiceUnavailable, "text/plain")]
    public async Task<IActionResult> Ready()
    {
        var report = await health.CheckHealthAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        return report.Status == HealthStatus.Unhealthy
            ? StatusCode(StatusCodes.Status503ServiceUnavailable, report.Status.ToString())
            : Content(report.Status.ToString(), "text/plain");
    }
}
