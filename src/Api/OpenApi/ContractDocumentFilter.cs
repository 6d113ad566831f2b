using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Sizing.Domain.Catalog;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Sizing.Api.OpenApi;

/// <summary>Makes the generated document exact enough for generated clients: nullability, required lists, the errors every
/// operation can answer, typed config.json bodies, examples that run, and the server, license and contact.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>Responses: every property is always written (nulls included), so each is required; those that can be null say so.</item>
/// <item>Requests: <c>[Required]</c> marks what the FluentValidation validators insist on (API tests hold the two together);
/// optional fields accept null as "omitted".</item>
/// <item>The document is OpenAPI 3.1, where null is a type: a nullable object property is <c>oneOf: [$ref, {type: null}]</c>
/// (OpenAPI 3.0 cannot say it: siblings of <c>$ref</c> are ignored, and <c>nullable</c> beside <c>allOf</c> still rejects null).</item>
/// <item>Errors: 400/404/413/415/429/500/504, wherever the pipeline can produce them, all with the one <c>Problem</c> schema.</item>
/// </list>
/// </remarks>
public sealed class ContractDocumentFilter(HardwareCatalog catalog, IOptions<JsonOptions> json) : IDocumentFilter
{
    public const string ProblemSchema = "Problem";
    private const string ProblemJson = "application/problem+json";

    private static readonly NullabilityInfoContext Nullability = new();

    private static readonly Dictionary<string, Type> ContractTypes = typeof(ContractDocumentFilter).Assembly.GetTypes()
        .Where(t => t.Namespace?.StartsWith("Sizing.Api.Contracts", StringComparison.Ordinal) == true && !t.IsNested && (t.IsClass || t.IsEnum))
        .ToDictionary(t => t.Name, StringComparer.Ordinal);

    private static readonly (int Status, string Description)[] Errors =
    [
        (StatusCodes.Status400BadRequest, "The body is malformed or a field is invalid; errors names each field by JSON path."),
        (StatusCodes.Status404NotFound, "No catalog entry has that id."),
        (StatusCodes.Status413PayloadTooLarge, "The body is larger than Limits:MaxRequestBodyBytes (256 KiB by default)."),
        (StatusCodes.Status415UnsupportedMediaType, "The body is not application/json."),
        (StatusCodes.Status429TooManyRequests, "Over the rate limit; Retry-After says when to try again."),
        (StatusCodes.Status500InternalServerError, "An unexpected error; the traceId finds it in the logs."),
        (StatusCodes.Status504GatewayTimeout, "The request ran past Limits:RequestTimeoutSeconds (10 s by default)."),
    ];

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(swaggerDoc);
        swaggerDoc.Servers = [new OpenApiServer { Url = "/", Description = "This service: the host that served this document." }];
        swaggerDoc.Components ??= new OpenApiComponents();
        swaggerDoc.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        swaggerDoc.Components.Schemas[ProblemSchema] = Problem();
        swaggerDoc.Components.Schemas[OpenApiExamples.HuggingFaceConfigSchema] = HuggingFaceConfig();
        foreach (var (name, schema) in swaggerDoc.Components.Schemas)
        {
            if (ContractTypes.TryGetValue(name, out var type) && schema is OpenApiSchema concrete && type.IsClass)
            {
                MakeExact(concrete, type);
            }
        }

        var responses = OpenApiExamples.Responses(catalog, json.Value.JsonSerializerOptions);
        foreach (var (path, item) in swaggerDoc.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                DeclareErrors(operation, path, method, swaggerDoc);
                AddExamples(operation, responses);
            }
        }
    }

    private static void MakeExact(OpenApiSchema schema, Type type)
    {
        var isResponse = type.Name.EndsWith("Response", StringComparison.Ordinal);
        schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, property) in schema.Properties?.ToList() ?? [])
        {
            var member = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (member is null)
            {
                continue;
            }

            var required = isResponse || member.GetCustomAttribute<RequiredAttribute>() is not null;
            var nullable = Nullability.Create(member).ReadState == NullabilityState.Nullable && !(required && !isResponse);
            if (required)
            {
                schema.Required.Add(name);
            }

            schema.Properties![name] = property switch
            {
                OpenApiSchemaReference reference when nullable => new OpenApiSchema
                {
                    OneOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }],
                    Description = reference.Description,
                },
                OpenApiSchema inline => WithNullable(inline, nullable),
                _ => property,
            };
        }
    }

    private static OpenApiSchema WithNullable(OpenApiSchema schema, bool nullable)
    {
        if (schema.Type is { } t)
        {
            schema.Type = nullable ? t | JsonSchemaType.Null : t & ~JsonSchemaType.Null;
        }

        return schema;
    }

    private static void DeclareErrors(OpenApiOperation operation, string path, HttpMethod method, OpenApiDocument document)
    {
        operation.Responses ??= [];
        var hasBody = operation.RequestBody is not null;
        var isProbe = path.StartsWith("/health", StringComparison.Ordinal);
        foreach (var (status, description) in Errors)
        {
            var applies = status switch
            {
                StatusCodes.Status400BadRequest or StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType => hasBody,
                StatusCodes.Status404NotFound => path.Contains('{', StringComparison.Ordinal) && method == HttpMethod.Get,
                StatusCodes.Status429TooManyRequests => !isProbe,
                _ => true,
            };
            if (!applies)
            {
                continue;
            }

            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            operation.Responses[key] = new OpenApiResponse
            {
                Description = operation.Responses.TryGetValue(key, out var existing) && !string.IsNullOrEmpty(existing.Description) ? existing.Description : description,
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    [ProblemJson] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
                },
            };
        }
    }

    private void AddExamples(OpenApiOperation operation, Dictionary<string, object> responses)
    {
        var id = operation.OperationId ?? string.Empty;
        if (OpenApiExamples.Requests.TryGetValue(id, out var request) && operation.RequestBody?.Content is { } content
            && content.TryGetValue("application/json", out var requestMedia))
        {
            if (id == "estimateDeployment")
            {
                // Named examples (aggregated first): OpenAPI allows example or examples, not both.
                requestMedia.Examples = OpenApiExamples.EstimateVariants.ToDictionary(
                    v => v.Name, v => (IOpenApiExample)new OpenApiExample { Summary = v.Summary, Value = JsonNode.Parse(v.Body) }, StringComparer.Ordinal);
            }
            else
            {
                requestMedia.Example = JsonNode.Parse(request);
            }
        }

        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } okContent)
        {
            if (responses.TryGetValue(id, out var body) && okContent.TryGetValue("application/json", out var media))
            {
                media.Example = JsonSerializer.SerializeToNode(body, body.GetType(), json.Value.JsonSerializerOptions);
            }
            else if (okContent.TryGetValue("text/plain", out var text))
            {
                text.Example = JsonValue.Create("Healthy");
            }
        }
    }

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details, the body of every error.",
        Required = new HashSet<string>(["type", "title", "status", "traceId"], StringComparer.Ordinal),
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI naming the kind of problem; about:blank when the status says it all." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the kind of problem." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong with this request." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request path." },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "W3C trace id of the request; the request's log event carries the same." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "400 only: messages per offending field, keyed by JSON path (e.g. workload.inputTokens, vary.values[2]).",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
        Example = new JsonObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            ["title"] = "One or more fields are invalid.",
            ["status"] = 400,
            ["instance"] = "/v1/estimates",
            ["traceId"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ["errors"] = new JsonObject { ["workload.inputTokens"] = new JsonArray("'inputTokens' must be between 1 and 2,000,000.") },
        },
    };

    private static OpenApiSchema HuggingFaceConfig()
    {
        var fields = new (string Name, JsonSchemaType Type, string Description)[]
        {
            ("model_type", JsonSchemaType.String, "Architecture family, e.g. llama, qwen3_moe, deepseek_v3, gpt_oss."),
            ("hidden_size", JsonSchemaType.Integer, "Width of the residual stream."),
            ("intermediate_size", JsonSchemaType.Integer, "FFN width of dense layers."),
            ("num_hidden_layers", JsonSchemaType.Integer, "Transformer blocks."),
            ("num_attention_heads", JsonSchemaType.Integer, "Query heads."),
            ("num_key_value_heads", JsonSchemaType.Integer, "KV heads (GQA/MQA); default num_attention_heads."),
            ("head_dim", JsonSchemaType.Integer, "Per-head width; default hidden_size / num_attention_heads."),
            ("vocab_size", JsonSchemaType.Integer, "Vocabulary size."),
            ("max_position_embeddings", JsonSchemaType.Integer, "Longest context the model allows."),
            ("tie_word_embeddings", JsonSchemaType.Boolean, "Whether the LM head shares the embedding weights."),
            ("torch_dtype", JsonSchemaType.String, "Checkpoint dtype, e.g. bfloat16."),
            ("text_config", JsonSchemaType.Object, "The language model's config, in multimodal configs."),
        };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A Hugging Face config.json, as published. Fields beyond those listed are accepted (and ignored where the "
                + "formulas do not need them); multimodal configs may nest the language model under text_config. Which fields are "
                + "required depends on model_type; a missing one is named in the 400's errors.",
            // Each may be absent or null (the reader treats both as "not given"), so generated clients make them optional and nullable.
            Properties = fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)new OpenApiSchema { Type = f.Type | JsonSchemaType.Null, Description = f.Description }, StringComparer.Ordinal),
            AdditionalPropertiesAllowed = true,
            AdditionalProperties = new OpenApiSchema(),
            Example = JsonNode.Parse(OpenApiExamples.Llama31_8bConfig),
        };
    }
}
