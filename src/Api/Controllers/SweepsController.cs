using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Contracts.Sweeps;
using Sizing.Api.Infrastructure;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Controllers;

/// <summary>Series of estimates for charts.</summary>
[ApiController]
[EnableRateLimiting(LimitsSetup.ComputePolicy)]
[Route("v1/sweeps")]
public sealed class SweepsController(HardwareCatalog catalog, ModelConfigCache models) : ControllerBase
{
    /// <summary>Estimates one deployment once per value of one parameter.</summary>
    /// <remarks>Values that do not fit are points with <c>fits: false</c> and a <c>reason</c>, not errors.</remarks>
    /// <param name="request">The base estimate request and the parameter to vary.</param>
    /// <response code="200">One point per value, in the order given.</response>
    /// <response code="400">A field or value is invalid; <c>errors</c> names it (values as <c>vary.values[i]</c>).</response>
    [HttpPost(Name = "sweepEstimate")]
    [Consumes("application/json")]
    [ProducesResponseType<SweepResponse>(StatusCodes.Status200OK, "application/json")]
    public SweepResponse Sweep(SweepRequest request) => request.Run(catalog, models, HttpContext.RequestAborted);
}
