using System.Linq.Expressions;
using System.Text.Json;
using FluentValidation;
using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Contracts.Models;

/// <summary>The "model or modelConfig" choice shared by every request that names a model.</summary>
public static class ModelChoice
{
    public static void AddRules<T>(
        AbstractValidator<T> validator, Expression<Func<T, string?>> model, Expression<Func<T, JsonElement?>> config, HardwareCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var getModel = model.Compile();
        var getConfig = config.Compile();
        validator.RuleFor(model)
            .Must((request, id) => id is not null || getConfig(request) is not null)
            .WithMessage("give 'model' (a catalog id such as llama-3-70b) or 'modelConfig' (a Hugging Face config.json).")
            .Must((request, id) => id is null || getConfig(request) is null)
            .WithMessage("give either 'model' or 'modelConfig', not both.")
            .Must(id => id is null || catalog.FindModel(id) is not null)
            .WithMessage((_, id) => $"unknown model '{id}'; GET /v1/models lists the catalog ids, or send 'modelConfig'.");
        validator.RuleFor(config).Custom((element, context) =>
        {
            if (element is not { } json)
            {
                return;
            }

            foreach (var problem in ModelConfigCache.From(context).Resolve(json).Problems)
            {
                context.AddFailure("modelConfig" + problem.Field.TrimStart('$'), problem.Message);
            }
        });
    }

    /// <summary>The architecture a validated request names; an inline config comes from the request's cache, resolved once.</summary>
    public static ModelArchitecture Resolve(string? id, JsonElement? config, HardwareCatalog catalog, ModelConfigCache models)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(models);
        return id is not null
            ? catalog.FindModel(id)!.Architecture
            : models.Resolve(config!.Value).Architecture!;
    }
}
