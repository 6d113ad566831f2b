using System.IO.Compression;
using FluentValidation;
using Microsoft.AspNetCore.ResponseCompression;
using Sizing.Api;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Errors;
using Sizing.Api.Infrastructure;
using Sizing.Api.OpenApi;
using Sizing.Api.Validation;

var builder = WebApplication.CreateBuilder(args);

// A refused override file ends start-up here, before the host exists: one line per problem on stderr and exit code 78
// (EX_CONFIG), not an aborted host with a stack trace. The host loads the same files again through CatalogOverrides.
if (CatalogOverrides.Check(builder.Configuration) is { Count: > 0 } problems)
{
    foreach (var problem in problems)
    {
        await Console.Error.WriteLineAsync("Catalog override refused: " + problem);
    }

    await Console.Error.WriteLineAsync("The service will not start: fix the files or remove them from Catalog:GpuFiles / Catalog:ModelFiles.");
    return 78;
}

builder.AddSizingObservability();
builder.AddSizingLimits();
builder.Services.AddCatalogOverrides();
builder.Services.AddSingleton<CatalogCaching>();
builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);
builder.Services.AddScoped<ModelConfigCache>();
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemFactory.Customize);
builder.Services.AddExceptionHandler<UnhandledExceptionHandler>();
builder.Services.AddHealthChecks();
builder.Services.AddResponseCompression(options =>
{
    // The bodies hold no secrets mixed with attacker-chosen text, so compressing over HTTPS opens no BREACH-style leak.
    options.EnableForHttps = true;
    options.Providers.Add<BrotliCompressionProvider>();
    options.Providers.Add<GzipCompressionProvider>();
    options.MimeTypes = [.. ResponseCompressionDefaults.MimeTypes, "application/problem+json"];
});
builder.Services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
builder.Services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
builder.Services
    .AddControllers(options =>
    {
        options.Filters.Add<ValidationFilter>();
        options.Filters.Add<CostLimitFilter>();
        // FluentValidation is the one validator; [Required] only documents the validators' required fields in OpenAPI.
        options.ModelValidatorProviders.Clear();
    })
    .AddJsonOptions(options => ApiJson.Configure(options.JsonSerializerOptions))
    .ConfigureApiBehaviorOptions(options =>
    {
        options.InvalidModelStateResponseFactory = BindingErrors.ToProblem;
        // 404/405/415 bodies come from the status-code pages, through the same IProblemDetailsService as every other error.
        options.SuppressMapClientErrors = true;
    });
builder.Services.AddSizingOpenApi();

var app = builder.Build();

app.UseSizingForwardedHeaders();
app.UseSizingObservability();
app.UseResponseCompression();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSizingLimits();
app.UseSizingOpenApi();
app.MapControllers();

app.Run();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
