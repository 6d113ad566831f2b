using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Sizing.Api.Contracts.Estimates;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Infrastructure;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Controllers;

/// <summary>Estimates for one deployment.</summary>
[ApiController]
[EnableRateLimiting(LimitsSetup.ComputePolicy)]
[Route("v1/estimates")]
public sealed class EstimatesController(HardwareCatalog catalog, ModelConfigCache models) : ControllerBase
{
    /// <summary>Estimates per-GPU memory, communication, latency and throughput of one deployment.</summary>
    /// <remarks>A deployment that does not fit is a 200 with <c>fits: false</c> and the reasons in <c>warnings</c>.</remarks>
    /// <param name="request">The deployment.</param>
    /// <response code="200">The estimate.</response>
    /// <response code="400">A field is missing or invalid; <c>errors</c> names it.</response>
    [HttpPost(Name = "estimateDeployment")]
    [Consumes("application/json")]
    [ProducesResponseType<EstimateResponse>(StatusCodes.Status200OK, "application/json")]
    public EstimateResponse Estimate(EstimateRequest request) => request.Estimate(catalog, models);
}
