using Microsoft.AspNetCore.Mvc;
using Sizing.Api.Contracts.Estimates;
using Sizing.Domain.Catalog;
using Sizing.Domain.Performance;

namespace Sizing.Api.Controllers;

/// <summary>Estimates for one deployment.</summary>
[ApiController]
[Route("v1/estimates")]
public sealed class EstimatesController(HardwareCatalog catalog) : ControllerBase
{
    /// <summary>Estimates per-GPU memory, communication, latency and throughput of one deployment.</summary>
    /// <remarks>A deployment that does not fit is a 200 with <c>fits: false</c> and the reasons in <c>warnings</c>.</remarks>
    /// <param name="request">The deployment.</param>
    /// <response code="200">The estimate.</response>
    /// <response code="400">A field is missing or invalid; <c>errors</c> names it.</response>
    [HttpPost(Name = "estimateDeployment")]
    [Consumes("application/json")]
    [ProducesResponseType<EstimateResponse>(StatusCodes.Status200OK, "application/json")]
    public EstimateResponse Estimate(EstimateRequest request)
    {
        var input = request.ToDomain(catalog);
        return DeploymentEstimator.Estimate(input).ToResponse(input);
    }
}
