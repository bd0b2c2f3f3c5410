using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gantry.Hosting;

/// <summary>
/// Describes in <c>/openapi/v1.json</c> the routes the generator cannot see because they are not request-response
/// endpoints: the event WebSocket (<c>/ws</c>, <c>/api/ws</c>) and the MCP endpoint (<c>/mcp</c>, JSON-RPC over
/// streamable HTTP). So the document names every route Gantry serves.
/// </summary>
internal sealed class NonHttpRoutesTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= new OpenApiPaths();
        foreach (var path in new[] { "/ws", "/api/ws" })
        {
            Add(document, path, HttpMethod.Get, "events", "ComfyUI's event socket",
                "Upgrades to a WebSocket of ComfyUI's protocol: JSON messages (status, execution_start, executing, progress, executed, " +
                "execution_success, execution_error, …) and binary preview frames, for the caller's jobs only. Query: clientId.",
                "101", "Switching Protocols: the socket is open.");
        }

        Add(document, "/mcp", HttpMethod.Post, "mcp", "Model Context Protocol",
            "JSON-RPC 2.0 messages of the Model Context Protocol over streamable HTTP: tools to submit, watch and read jobs.",
            "200", "A JSON-RPC answer (application/json or text/event-stream).");
        return Task.CompletedTask;
    }

    internal static void Add(OpenApiDocument document, string path, HttpMethod method, string tag, string summary, string description, string status, string answer)
    {
        if (document.Paths.TryGetValue(path, out var existing) && existing.Operations?.ContainsKey(method) == true)
        {
            return;
        }

        var item = existing as OpenApiPathItem ?? new OpenApiPathItem();
        item.Operations ??= [];
        item.Operations[method] = new OpenApiOperation
        {
            Summary = summary,
            Description = description,
            Tags = new HashSet<OpenApiTagReference> { new(tag, document) },
            Responses = new OpenApiResponses { [status] = new OpenApiResponse { Description = answer } },
        };
        document.Paths[path] = item;
    }
}
