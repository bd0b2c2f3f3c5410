using System.Text.Json;
using Gantry.Tests.Infrastructure;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gantry.Tests.Mcp;

/// <summary>The official C# MCP client connected to Gantry: over streamable HTTP to <c>/mcp</c>, or over stdio to a <c>gantry mcp</c> process.</summary>
public static class McpTestClients
{
    /// <summary>
    /// The SDK's client first probes with <c>server/discover</c> and, if no answer comes within 5 s, falls back to
    /// <c>initialize</c> on the same connection; a <c>gantry mcp</c> process still starting on a busy machine answers
    /// the probe late, has by then settled on the newest revision, and refuses the fallback's <c>initialize</c>. The
    /// connect stays bounded by the 60 s initialization timeout (docs/mcp.md says the same to users).
    /// </summary>
    public static McpClientOptions ClientOptions => new() { DiscoverProbeTimeout = Timeout.InfiniteTimeSpan };

    public static Task<McpClient> HttpAsync(Uri baseAddress, string? apiKey)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(baseAddress, "mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = apiKey is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["X-API-Key"] = apiKey },
        };
        return McpClient.CreateAsync(new HttpClientTransport(options), ClientOptions, cancellationToken: TestContext.Current.CancellationToken);
    }

    public static Task<McpClient> StdioAsync(string url, string? apiKey)
    {
        List<string> arguments = [GantryProcess.GantryDll, "mcp", "--url", url];
        if (apiKey is not null)
        {
            arguments.AddRange(["--api-key", apiKey]);
        }

        var options = new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = arguments,
            Name = "gantry mcp",
            EnvironmentVariables = new Dictionary<string, string?> { ["GANTRY_URL"] = null, ["GANTRY_API_KEY"] = null, ["DOTNET_NOLOGO"] = "1" },
        };
        return McpClient.CreateAsync(new StdioClientTransport(options), ClientOptions, cancellationToken: TestContext.Current.CancellationToken);
    }

    public static Task<CallToolResult> CallAsync(this McpClient client, string tool, object? arguments = null)
    {
        var values = arguments is null
            ? new Dictionary<string, object?>()
            : JsonSerializer.SerializeToElement(arguments).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        return client.CallToolAsync(tool, values, cancellationToken: TestContext.Current.CancellationToken).AsTask();
    }

    /// <summary>The structured result of a successful call.</summary>
    public static JsonElement Structured(this CallToolResult result)
    {
        result.IsError.ShouldNotBe(true, Text(result));
        result.StructuredContent.ShouldNotBeNull(Text(result));
        return result.StructuredContent.Value;
    }

    /// <summary>
    /// The structured list a tool returned: as the array itself (newer protocol revisions) or wrapped as
    /// <c>{"result": [...]}</c> (revisions whose structured content must be an object).
    /// </summary>
    public static JsonElement StructuredList(this CallToolResult result)
    {
        var structured = Structured(result);
        return structured.ValueKind == JsonValueKind.Object ? structured.GetProperty("result") : structured;
    }

    /// <summary>A successful call's JSON text result, parsed.</summary>
    public static JsonElement Json(this CallToolResult result)
    {
        result.IsError.ShouldNotBe(true, Text(result));
        return JsonDocument.Parse(Text(result)).RootElement.Clone();
    }

    /// <summary>The message of a tool error.</summary>
    public static string Error(this CallToolResult result)
    {
        result.IsError.ShouldBe(true, $"expected a tool error, got: {Text(result)}");
        return Text(result);
    }

    public static string Text(this CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
