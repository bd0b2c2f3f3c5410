using System.CommandLine;
using Gantry.Client;
using Gantry.Mcp;

namespace Gantry.Cli;

/// <summary>
/// <c>gantry mcp</c>: Gantry's MCP tools over stdio for an agent on this machine, talking to a running Gantry by URL and
/// key (resolved as every client command does). stdout carries only the protocol; logs go to stderr.
/// </summary>
public static class McpCommand
{
    public static Command Create()
    {
        var http = new GantryHttpOptions();
        var verbose = new Option<bool>("--verbose") { Description = "Log MCP traffic details to stderr." };
        var command = http.AddTo(new Command("mcp", "Serve Gantry's MCP tools over stdio (for agents), as a client of a running Gantry.") { verbose });
        command.SetAction(async (parse, cancellationToken) =>
        {
            GantryHttpConnection connection;
            try
            {
                connection = http.Resolve(parse);
            }
            catch (UriFormatException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return GantryCli.UsageError;
            }

            using var client = new GantryApiClient(connection);
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning);
            builder.Services.AddSingleton(client);
            builder.Services.AddSingleton(new McpToolSettings(AllowLocalFiles: true));
            builder.Services.AddMcpServer(GantryMcp.Configure).WithStdioServerTransport().WithGantryTools();
            using var host = builder.Build();
            await host.RunAsync(cancellationToken);
            return GantryCli.Success;
        });
        return command;
    }
}
