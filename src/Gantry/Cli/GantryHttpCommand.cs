using System.CommandLine;
using System.Net;

namespace Gantry.Cli;

/// <summary>A request to Gantry failed; <see cref="ExitCode"/> is what the command returns, the message what it prints.</summary>
public sealed class GantryHttpException(int exitCode, string message, HttpStatusCode? status = null, string? code = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public HttpStatusCode? Status { get; } = status;

    /// <summary>The server's error <c>code</c> (<c>not_found</c>, <c>conflict</c>, …), when it gave one.</summary>
    public string? Code { get; } = code;

    /// <summary>What the server said (its <c>message</c>), without the CLI's framing; the status line when it said nothing.</summary>
    public string? ServerMessage { get; init; }

    /// <summary>The server's whole error body (for a refused prompt it carries <c>node_errors</c>).</summary>
    public string? Body { get; init; }
}

/// <summary>Runs a command body against a running Gantry, printing a failure to stderr and returning its exit code.</summary>
public static class GantryHttpCommand
{
    public static Task<int> RunAsync(GantryHttpOptions options, ParseResult parse, Func<GantryHttpClient, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
        => RunAsync(options, parse, connection => new GantryHttpClient(connection), body, cancellationToken);

    /// <summary>
    /// Resolves the connection (a bad URL exits 2), makes the client, runs <paramref name="body"/>: a refused request
    /// prints the server's message and exits with its code (<see cref="GantryHttpException"/>), a workflow that cannot
    /// be sent exits 2.
    /// </summary>
    public static async Task<int> RunAsync<TClient>(
        GantryHttpOptions options, ParseResult parse, Func<GantryHttpConnection, TClient> createClient, Func<TClient, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
        where TClient : IDisposable
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(createClient);
        ArgumentNullException.ThrowIfNull(body);
        GantryHttpConnection connection;
        try
        {
            connection = options.Resolve(parse);
        }
        catch (UriFormatException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return GantryCli.UsageError;
        }

        using var client = createClient(connection);
        try
        {
            return await body(client, cancellationToken);
        }
        catch (GantryHttpException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ex.ExitCode;
        }
        catch (Client.WorkflowInputException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return GantryCli.UsageError;
        }
    }
}
