using FluentValidation;
using Sizing.Api;
using Sizing.Api.Errors;
using Sizing.Api.Infrastructure;
using Sizing.Api.Validation;

var builder = WebApplication.CreateBuilder(args);

builder.AddSizingObservability();
builder.AddSizingLimits();
builder.Services.AddCatalogOverrides();
builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<UnhandledExceptionHandler>();
builder.Services.AddHealthChecks();
builder.Services
    .AddControllers(options =>
    {
        options.Filters.Add<ValidationFilter>();
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
app.UseSwagger();
app.UseSwaggerUI(options => options.SwaggerEndpoint("/swagger/v1/swagger.json", "Sizing v1"));
app.MapControllers();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
