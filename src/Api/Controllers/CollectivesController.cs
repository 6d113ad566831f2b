using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Sizing.Api.Contracts.Collectives;
using Sizing.Api.Infrastructure;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;

namespace Sizing.Api.Controllers;

/// <summary>Single collectives on a topology, with nccl-tests semantics.</summary>
/// <remarks>
/// No <c>[Produces]</c> here: that filter rewrites every object result's content type, which would turn the 400 bodies
/// from application/problem+json into application/json. The content types are declared per response instead.
/// </remarks>
[ApiController]
[EnableRateLimiting(LimitsSetup.ComputePolicy)]
[Route("v1/collectives")]
public sealed class CollectivesController(HardwareCatalog catalog) : ControllerBase
{
    /// <summary>Estimates the time, algorithm bandwidth and bus bandwidth of one collective.</summary>
    /// <remarks>
    /// <c>messageBytes</c> is nccl-tests' <c>size</c>, the whole buffer; <c>busBandwidthGBps</c> follows nccl-tests' definition,
    /// so the figures compare directly with an <c>all_reduce_perf</c> (or <c>all_gather_perf</c>, …) row.
    /// </remarks>
    /// <param name="request">The collective and its topology.</param>
    /// <response code="200">The estimate.</response>
    /// <response code="400">A field is missing or invalid (including an intra-node link the GPU lacks); <c>errors</c> names it.</response>
    [HttpPost(Name = "estimateCollective")]
    [Consumes("application/json")]
    [ProducesResponseType<CollectiveResponse>(StatusCodes.Status200OK, "application/json")]
    public CollectiveResponse Estimate(CollectiveRequest request)
    {
        var input = request.ToInput(catalog);
        var estimate = Collectives.Estimate(input.Operation, input.Topology, input.GpuCount, input.MessageBytes, input.Implementation, algorithm: input.Algorithm);
        return estimate.ToResponse(input, CommunicationAssumptions.Default);
    }
}
