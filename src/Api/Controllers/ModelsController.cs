using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.RateLimiting;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Errors;
using Sizing.Api.Infrastructure;
using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Controllers;

/// <summary>The model catalog and config resolution.</summary>
[ApiController]
[Route("v1/models")]
[ServiceFilter<CatalogCaching>]
public sealed class ModelsController(HardwareCatalog catalog) : ControllerBase
{
    /// <summary>Lists every model the service knows, with its architecture, parameter counts and KV bytes per token.</summary>
    /// <remarks>Cacheable: the response carries an ETag and Cache-Control; send If-None-Match to get a 304 while the catalog is unchanged.</remarks>
    /// <response code="200">The catalog, ordered by id.</response>
    [HttpGet(Name = "listModels")]
    [ProducesResponseType<IReadOnlyList<ModelResponse>>(StatusCodes.Status200OK, "application/json")]
    public IReadOnlyList<ModelResponse> List() => [.. catalog.Models.Select(m => m.ToResponse())];

    /// <summary>One model by catalog id.</summary>
    /// <remarks>Cacheable like the list (ETag, Cache-Control, 304 on If-None-Match).</remarks>
    /// <param name="id" example="llama-3-70b">Catalog id, e.g. llama-3-70b.</param>
    /// <response code="200">The model.</response>
    /// <response code="404">No model has that id.</response>
    [HttpGet("{id}", Name = "getModel")]
    [ProducesResponseType<ModelResponse>(StatusCodes.Status200OK, "application/json")]
    public ActionResult<ModelResponse> Get(string id) => catalog.FindModel(id) is { } model
        ? model.ToResponse()
        : ProblemFactory.NotFoundResult($"unknown model '{id}'; GET /v1/models lists the catalog ids.");

    /// <summary>Reads a Hugging Face config.json and returns the same figures as a catalog model.</summary>
    /// <remarks>Supports dense GQA/MQA/MHA (Llama, Mistral, Qwen2/2.5/3, Gemma 2/3, Falcon, GPT-J, GPT-2/3, InternLM, Phi-3), MoE
    /// (Mixtral, Qwen2/3-MoE, Llama 4), MLA + MoE (DeepSeek-V2/V3/R1), gpt-oss, and multimodal configs whose language model is
    /// under <c>text_config</c>.</remarks>
    /// <param name="config">The config.json object, as published.</param>
    /// <response code="200">The resolved architecture and counts.</response>
    /// <response code="400">The config lacks a field the formulas need, or its model_type is not supported; <c>errors</c> names the field.</response>
    [HttpPost("resolve", Name = "resolveModelConfig")]
    [EnableRateLimiting(LimitsSetup.ComputePolicy)]
    [Consumes("application/json")]
    [ProducesResponseType<ModelResponse>(StatusCodes.Status200OK, "application/json")]
    public ActionResult<ModelResponse> Resolve([FromBody] JsonElement config)
    {
        var resolution = ModelResolver.Resolve(config);
        if (resolution.Architecture is not { } architecture)
        {
            var errors = new ModelStateDictionary();
            foreach (var problem in resolution.Problems)
            {
                errors.AddModelError(problem.Field.TrimStart('$', '.') is { Length: > 0 } field ? field : "config", problem.Message);
            }

            return ProblemFactory.ValidationResult(errors);
        }

        var name = config.TryGetProperty("_name_or_path", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : architecture.ModelType;
        return architecture.ToResponse(null, name, null, "request body");
    }
}
