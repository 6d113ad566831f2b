using Microsoft.AspNetCore.Mvc;
using Sizing.Api.Contracts.Gpus;
using Sizing.Api.Errors;
using Sizing.Api.Infrastructure;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Controllers;

/// <summary>The hardware catalog.</summary>
[ApiController]
[Route("v1/gpus")]
[ServiceFilter<CatalogCaching>]
public sealed class GpusController(HardwareCatalog catalog) : ControllerBase
{
    /// <summary>Lists every GPU the service knows, with memory, bandwidth, dense TFLOPS, links, node shape and price.</summary>
    /// <remarks>Cacheable: the response carries an ETag and Cache-Control; send If-None-Match to get a 304 while the catalog is unchanged.</remarks>
    /// <response code="200">The catalog, ordered by id.</response>
    [HttpGet(Name = "listGpus")]
    [ProducesResponseType<IReadOnlyList<GpuResponse>>(StatusCodes.Status200OK, "application/json")]
    public IReadOnlyList<GpuResponse> List() => [.. catalog.Gpus.Select(g => g.ToResponse())];

    /// <summary>One GPU by catalog id.</summary>
    /// <remarks>Cacheable like the list (ETag, Cache-Control, 304 on If-None-Match).</remarks>
    /// <param name="id" example="h100-sxm-80gb">Catalog id, e.g. h100-sxm-80gb.</param>
    /// <response code="200">The GPU.</response>
    /// <response code="404">No GPU has that id.</response>
    [HttpGet("{id}", Name = "getGpu")]
    [ProducesResponseType<GpuResponse>(StatusCodes.Status200OK, "application/json")]
    public ActionResult<GpuResponse> Get(string id) => catalog.FindGpu(id) is { } gpu
        ? gpu.ToResponse()
        : ProblemFactory.NotFoundResult($"unknown GPU '{id}'; GET /v1/gpus lists the catalog ids.");
}
