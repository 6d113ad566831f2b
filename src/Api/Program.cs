using FluentValidation;
using Sizing.Api;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Errors;
using Sizing.Api.Infrastructure;
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
builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);
builder.Services.AddScoped<ModelConfigCache>();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<UnhandledExceptionHandler>();
builder.Services.AddHealthChecks();
builder.Services
    .AddControllers(options =>
    {
        options.Filters.Add<ValidationFilter>();
        options.Filters.Add<CostLimitFilter>();
        options.Filters.Add<ProblemResultFilter>(ProblemResultFilter.Order);
    })
    .AddJsonOptions(options => ApiJson.Configure(options.JsonSerializerOptions))
    .ConfigureApiBehaviorOptions(options => options.InvalidModelStateResponseFactory = BindingErrors.ToProblem);
builder.Services.AddSizingOpenApi();

var app = builder.Build();

app.UseSizingObservability();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSizingLimits();
app.UseSizingOpenApi();
app.MapControllers();

app.Run();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
