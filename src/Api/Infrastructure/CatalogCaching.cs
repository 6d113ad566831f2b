using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Sizing.Api.Contracts.Gpus;
using Sizing.Api.Contracts.Models;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Infrastructure;

/// <summary>ETag and Cache-Control on the catalog's GETs, and 304 when the caller already has the current catalog.</summary>
/// <remarks>
/// The catalog is fixed once the host has started (override files are read at start-up), so one validator serves every
/// catalog resource: a hash of the whole catalog as the API writes it. It is weak (<c>W/</c>) because the same
/// representation may be sent gzip- or Brotli-compressed. <c>Catalog:CacheSeconds</c> [300] sets <c>max-age</c>.
/// </remarks>
public sealed class CatalogCaching : IAsyncActionFilter
{
    private readonly string _cacheControl;

    public CatalogCaching(HardwareCatalog catalog, IOptions<JsonOptions> json, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = json.Value.JsonSerializerOptions;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new
        {
            gpus = catalog.Gpus.Select(g => g.ToResponse()),
            models = catalog.Models.Select(m => m.ToResponse()),
        }, options);
        ETag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"", isWeak: true);
        _cacheControl = $"public, max-age={configuration.GetValue("Catalog:CacheSeconds", 300)}";
    }

    /// <summary>The validator of the current catalog.</summary>
    public EntityTagHeaderValue ETag { get; }

    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.HttpContext.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            await next().ConfigureAwait(false);
            return;
        }

        var headers = context.HttpContext.Response.Headers;
        if (request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } candidates
            && candidates.Any(c => c.Equals(EntityTagHeaderValue.Any) || c.Compare(ETag, useStrongComparison: false)))
        {
            headers.ETag = ETag.ToString();
            headers.CacheControl = _cacheControl;
            context.Result = new StatusCodeResult(StatusCodes.Status304NotModified);
            return;
        }

        var executed = await next().ConfigureAwait(false);
        if (executed.Result is ObjectResult { StatusCode: null or StatusCodes.Status200OK })
        {
            headers.ETag = ETag.ToString();
            headers.CacheControl = _cacheControl;
        }
    }
}
