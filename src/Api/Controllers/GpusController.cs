using Microsoft.AspNetCore.Mvc;
using Sizing.Api.Contracts.Gpus;
using Sizing.Api.Errors;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Controllers;

/// <summary>The hardware catalog.</summary>
[ApiController]
[Route("v1/gpus")]
public sealed class GpusController(HardwareCatalog catalog) : ControllerBase
{
    /// <summary>Lists every GPU the service knows, with memory, bandwidth, dense TFLOPS, links, node shape and price.</summary>
    /// <response code="200">The catalog, ordered by id.</response>
    [HttpGet]
    [ProducesResponseType<IReadOnlyList<GpuResponse>>(StatusCodes.Status200OK, "application/json")]
    public IReadOnlyList<GpuResponse> List() => [.. catalog.Gpus.Select(g => g.ToResponse())];

    /// <summary>One GPU by catalog id.</summary>
    /// <param name="id">Catalog id, e.g. h100-sxm-80gb.</param>
    /// <response code="200">The GPU.</response>
    /// <response code="404">No GPU has that id.</response>
    [HttpGet("{id}")]
    [ProducesResponseType<GpuResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public ActionResult<GpuResponse> Get(string id) => catalog.FindGpu(id) is { } gpu
        ? gpu.ToResponse()
        : ProblemFactory.NotFoundResult(HttpContext, $"unknown GPU '{id}'; GET /v1/gpus lists the catalog ids.");
}
