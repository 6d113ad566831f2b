using System.Text.Json;
using FluentValidation;
using Sizing.Domain.Architecture;

namespace Sizing.Api.Contracts.Models;

/// <summary>The inline model config of one request, resolved once and shared by validation, mapping, every sweep point and
/// the search (registered per request).</summary>
public sealed class ModelConfigCache
{
    private const string Key = nameof(ModelConfigCache);

    private JsonElement _config;
    private ModelResolution? _resolution;

    /// <summary>The resolution of <paramref name="config"/>, computed on first use.</summary>
    /// <remarks>A <see cref="JsonElement"/> compares equal to a copy of itself (same document, same position), so copies made by
    /// <c>with</c> expressions (sweep points) hit the cache; another element resolves afresh.</remarks>
    public ModelResolution Resolve(JsonElement config)
    {
        if (_resolution is null || !EqualityComparer<JsonElement>.Default.Equals(_config, config))
        {
            _resolution = ModelResolver.Resolve(config);
            _config = config;
        }

        return _resolution;
    }

    /// <summary>Hands this cache to validators through the validation context.</summary>
    public void AttachTo(IValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RootContextData[Key] = this;
    }

    /// <summary>The request's cache from a validation context, or a fresh one when the validator runs on its own (tests).</summary>
    public static ModelConfigCache From(IValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.RootContextData.TryGetValue(Key, out var cache) && cache is ModelConfigCache found)
        {
            return found;
        }

        var created = new ModelConfigCache();
        created.AttachTo(context);
        return created;
    }
}
