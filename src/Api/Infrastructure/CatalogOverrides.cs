using Sizing.Domain.Catalog;

namespace Sizing.Api.Infrastructure;

/// <summary>Operator catalog files layered over the built-in catalog, checked before the service takes traffic.</summary>
/// <remarks>
/// Configuration: <c>Catalog:GpuFiles</c> and <c>Catalog:ModelFiles</c>, arrays of paths to JSON files in the built-in shape
/// (<c>{ "gpus": [ ... ] }</c>, <c>{ "models": [ ... ] }</c>); an entry with a built-in id replaces it, others are added. Any
/// problem (missing file, malformed JSON, unknown or invalid field) stops the host from starting, naming file, entry and field.
/// </remarks>
public static class CatalogOverrides
{
    public static IServiceCollection AddCatalogOverrides(this IServiceCollection services)
    {
        services.AddSingleton(provider => Load(provider.GetRequiredService<IConfiguration>()));
        services.AddHostedService<CatalogStartupCheck>();
        return services;
    }

    /// <summary>The built-in catalog with the configured files applied.</summary>
    /// <exception cref="CatalogOverrideException">A file is missing or invalid; the message lists every problem.</exception>
    public static HardwareCatalog Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var gpuFiles = configuration.GetSection("Catalog:GpuFiles").Get<string[]>() ?? [];
        var modelFiles = configuration.GetSection("Catalog:ModelFiles").Get<string[]>() ?? [];
        if (gpuFiles.Length == 0 && modelFiles.Length == 0)
        {
            return HardwareCatalog.BuiltIn;
        }

        var problems = new List<CatalogProblem>();
        var build = HardwareCatalog.BuiltIn.WithOverrides(Read(gpuFiles, problems), Read(modelFiles, problems));
        problems.AddRange(build.Problems);
        if (problems.Count > 0 || build.Catalog is null)
        {
            throw new CatalogOverrideException(problems);
        }

        return build.Catalog;
    }

    /// <summary>The problems of the configured files, without throwing (empty when they are fine or there are none).</summary>
    public static IReadOnlyList<CatalogProblem> Check(IConfiguration configuration)
    {
        try
        {
            Load(configuration);
            return [];
        }
        catch (CatalogOverrideException refused)
        {
            return refused.Problems;
        }
    }

    private static List<(string Name, string Json)> Read(string[] paths, List<CatalogProblem> problems)
    {
        var documents = new List<(string, string)>();
        foreach (var path in paths)
        {
            try
            {
                documents.Add((path, File.ReadAllText(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add(new CatalogProblem(path, "(file)", "$", "cannot be read: " + e.Message));
            }
        }

        return documents;
    }

    /// <summary>Builds the catalog while the host starts (before the server listens), so a bad file fails start-up, not a request.</summary>
    private sealed class CatalogStartupCheck(HardwareCatalog catalog, ILogger<CatalogStartupCheck> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation("Catalog ready: {GpuCount} GPUs, {ModelCount} models", catalog.Gpus.Count, catalog.Models.Count);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>The override files were refused; <see cref="Problems"/> names file, entry and field of each.</summary>
public sealed class CatalogOverrideException(IReadOnlyList<CatalogProblem> problems)
    : Exception("The catalog override files are invalid, so the service will not start (fix them or remove them from Catalog:GpuFiles / Catalog:ModelFiles):"
        + string.Concat(problems.Select(p => "\n  " + p)))
{
    public IReadOnlyList<CatalogProblem> Problems { get; } = problems;
}
