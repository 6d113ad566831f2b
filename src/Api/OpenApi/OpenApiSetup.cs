using System.Text.Json;
using Microsoft.OpenApi;

namespace Sizing.Api.OpenApi;

/// <summary>Swagger generation: XML comments become descriptions; <see cref="ContractDocumentFilter"/> makes the document exact.</summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddSizingOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "Sizing",
                Version = "v1",
                Description = "Sizes large-language-model inference across GPUs: per-GPU memory, tensor/pipeline/expert parallel "
                    + "communication, latency and throughput, and ranked deployment plans against an SLO. Units are in field names "
                    + "(GiB = 2^30 bytes, GB = 10^9 bytes, GBps = 10^9 bytes/s, Ms = milliseconds, Us = microseconds). "
                    + "Every error is RFC 9457 application/problem+json with a traceId.",
                Contact = new OpenApiContact { Name = "Sizing maintainers (see README.md, Support)" },
                License = new OpenApiLicense { Name = "Apache-2.0", Url = new Uri("https://www.apache.org/licenses/LICENSE-2.0") },
            });
            options.IncludeXmlComments(Path.Combine(AppContext.BaseDirectory, "Sizing.Api.xml"), includeControllerXmlComments: true);
            options.SupportNonNullableReferenceTypes();
            options.CustomOperationIds(description => description.ActionDescriptor.AttributeRouteInfo?.Name);
            options.MapType<JsonElement>(() => new OpenApiSchemaReference(OpenApiExamples.HuggingFaceConfigSchema));
            options.DocumentFilter<ContractDocumentFilter>();
        });
        return services;
    }

    /// <summary>The OpenAPI document at <c>/swagger/v1/swagger.json</c>, and Swagger UI unless <c>OpenApi:SwaggerUi</c> is false
    /// (production: the document is the contract clients generate from, the UI is for people exploring).</summary>
    public static WebApplication UseSizingOpenApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseSwagger(options => options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1);
        if (app.Configuration.GetValue("OpenApi:SwaggerUi", true))
        {
            app.UseSwaggerUI(options =>
            {
                options.SwaggerEndpoint("/swagger/v1/swagger.json", "Sizing v1");
                options.DocumentTitle = "Sizing API";
                options.EnableDeepLinking();
                options.DisplayOperationId();
                options.DisplayRequestDuration();
            });
            app.MapGet("/", () => Results.Redirect("/swagger/index.html")).ExcludeFromDescription();
        }

        return app;
    }
}
