using FluentValidation;
using Sizing.Api;
using Sizing.Api.Contracts.Models;
using Sizing.Api.Errors;
using Sizing.Api.Infrastructure;
using Sizing.Api.Validation;
using Sizing.Domain.Catalog;

var builder = WebApplication.CreateBuilder(args);

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

// A refused override file ends start-up here with one log line per problem and exit code 78 (EX_CONFIG), not a stack trace.
try
{
    _ = app.Services.GetRequiredService<HardwareCatalog>();
}
catch (CatalogOverrideException refused)
{
    foreach (var problem in refused.Problems)
    {
        app.Logger.LogCritical("Catalog override refused: {Problem}", problem.ToString());
    }

    app.Logger.LogCritical("The service will not start: fix the files or remove them from Catalog:GpuFiles / Catalog:ModelFiles");
    return 78;
}

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
