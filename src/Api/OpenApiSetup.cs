using Microsoft.OpenApi;

namespace Sizing.Api;

/// <summary>Swagger generation: XML comments become descriptions, examples and response codes.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddSizingOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Sizing",
                Version = "v1",
                Description = "Sizes large-language-model inference across GPUs: per-GPU memory, tensor/pipeline/expert parallel "
                    + "communication, latency and throughput, and ranked deployment plans against an SLO. Units are in field names "
                    + "(GiB = 2^30 bytes, GB = 10^9 bytes, GBps = 10^9 bytes/s, Ms = milliseconds, Us = microseconds).",
            });
            options.IncludeXmlComments(Path.Combine(AppContext.BaseDirectory, "Sizing.Api.xml"), includeControllerXmlComments: true);
            options.SupportNonNullableReferenceTypes();
        });
        return services;
    }

    /// <summary>The OpenAPI document at <c>/swagger/v1/swagger.json</c>, and Swagger UI unless <c>OpenApi:SwaggerUi</c> is false
    /// (production: the document is the contract clients generate from, the UI is for people exploring).</summary>
    public static WebApplication UseSizingOpenApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseSwagger();
        if (app.Configuration.GetValue("OpenApi:SwaggerUi", true))
        {
            app.UseSwaggerUI(options => options.SwaggerEndpoint("/swagger/v1/swagger.json", "Sizing v1"));
        }

        return app;
    }
}
