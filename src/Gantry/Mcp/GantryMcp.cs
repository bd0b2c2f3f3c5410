using System.Text.Json;
using System.Text.Json.Serialization;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gantry.Mcp;

/// <summary>
/// Gantry's MCP server, the same tools over both transports: stdio (<c>gantry mcp</c>, a client of a running
/// Gantry by URL and key) and streamable HTTP on the server's own <c>/mcp</c>. Each tool is one call of
/// <see cref="Client.GantryApiClient"/>, so it answers what the HTTP API answers.
/// </summary>
public static class GantryMcp
{
    public const string ServerName = "gantry";

    public const string Instructions =
        "Gantry runs ComfyUI workflows (API format: {\"<node id>\": {\"class_type\": ..., \"inputs\": {...}}}) on a fleet of workers. "
        + "Typical use: list_nodes to see what can run, submit_workflow, then wait_for_job until done is true (call it again while timed_out is true), "
        + "then get_output to see the images. Every job belongs to the API key's user; other users' jobs are invisible.";

    /// <summary>How tool arguments are read and results written: snake_case, as the HTTP API.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateSerializerOptions();

    public static void Configure(McpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ServerInfo = new Implementation
        {
            Name = ServerName,
            Title = "Gantry",
            Version = typeof(GantryMcp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        };
        options.ServerInstructions = Instructions;
    }

    /// <summary>Registers every Gantry tool.</summary>
    public static IMcpServerBuilder WithGantryTools(this IMcpServerBuilder builder)
        => builder
            .WithTools<JobTools>(SerializerOptions)
            .WithTools<QueueTools>(SerializerOptions)
            .WithTools<FileTools>(SerializerOptions);

    private static JsonSerializerOptions CreateSerializerOptions()
    {
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = false,
            // Results match their output schemas, which list every property as required: write nulls too.
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.TypeInfoResolverChain.Insert(0, Client.ClientJsonContext.Default);
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>What differs between the transports: only stdio, running on the caller's machine, may read the caller's files.</summary>
public sealed record McpToolSettings(bool AllowLocalFiles);
