using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Contracts.Recommendations;
using Sizing.Api.Infrastructure;
using Sizing.Domain.Catalog;
using Sizing.Domain.Recommendation;

namespace Sizing.Api.Controllers;

/// <summary>Deployment plans that meet an SLO.</summary>
[ApiController]
[EnableRateLimiting(LimitsSetup.ComputePolicy)]
[Route("v1/recommendations")]
public sealed class RecommendationsController(HardwareCatalog catalog, ModelConfigCache models, SizingMetrics metrics) : ControllerBase
{
    /// <summary>Searches GPU × precision × TP × PP × EP × replicas for the deployments that meet the SLO at the request rate.</summary>
    /// <remarks>An SLO nothing meets is a 200 with no recommendations; <c>rejected</c> starts with the closest misses.</remarks>
    /// <param name="request">The model, GPUs, workload and SLO.</param>
    /// <response code="200">Ranked plans, rejected alternatives and the Pareto front.</response>
    /// <response code="400">A field is missing or invalid, or the search would exceed its caps; <c>errors</c> names the field.</response>
    [HttpPost(Name = "recommendDeployments")]
    [Consumes("application/json")]
    [ProducesResponseType<RecommendationResponse>(StatusCodes.Status200OK, "application/json")]
    public RecommendationResponse Recommend(RecommendationRequest request)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(HttpContext.RequestAborted);
        budget.CancelAfter(RecommendationMapping.TimeBudget);
        var input = request.ToDomain(catalog, models, budget.Token);
        var result = RecommendationSearch.Search(input);
        metrics.RecordCandidatesEvaluated(result.CandidatesEvaluated);
        return result.ToResponse(input.Objective);
    }
}
