using Microsoft.AspNetCore.Mvc;
using Sizing.Api.Contracts.Estimates;
using Sizing.Domain.Catalog;
using Sizing.Domain.Memory;

namespace Sizing.Api.Controllers;

/// <summary>Estimates for one deployment.</summary>
[ApiController]
[Route("v1/estimates")]
[Produces("application/json")]
public sealed class EstimatesController(HardwareCatalog catalog) : ControllerBase
{
    /// <summary>Estimates per-GPU memory, KV capacity and whether the deployment fits.</summary>
    /// <remarks>A deployment that does not fit is a 200 with <c>fits: false</c> and the reasons in <c>warnings</c>.</remarks>
    /// <param name="request">The deployment.</param>
    /// <response code="200">The estimate.</response>
    /// <response code="400">A field is missing or invalid; <c>errors</c> names it.</response>
    [HttpPost]
    [Consumes("application/json")]
    [ProducesResponseType<EstimateResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public EstimateResponse Estimate(EstimateRequest request)
    {
        var input = request.ToMemoryInput(catalog);
        return MemoryEstimator.Estimate(input).ToResponse(input.Parallelism);
    }
}
