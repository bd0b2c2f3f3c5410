using System.CommandLine;
using Gantry.Client;

namespace Gantry.Cli;

/// <summary>Runs a command body against a running Gantry, printing a failure to stderr and returning its exit code.</summary>
public static class GantryHttpCommand
{
    public static Task<int> RunAsync(GantryHttpOptions options, ParseResult parse, Func<GantryHttpClient, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
        => RunAsync(options, parse, connection => new GantryHttpClient(connection), body, cancellationToken);

    /// <summary>
    /// Resolves the connection (a bad URL exits 2), makes the client, runs <paramref name="body"/>: a refused request
    /// prints the server's message and exits with the code for its kind (<see cref="ExitCodeOf"/>), a workflow that cannot
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
            return ExitCodeOf(ex);
        }
        catch (WorkflowInputException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return GantryCli.UsageError;
        }
    }

    /// <summary>The exit code for a failed request: 2 when the server refused the request itself, 3 when it could not be reached, refused the key or failed.</summary>
    public static int ExitCodeOf(GantryHttpException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Failure == GantryFailure.Refused ? GantryCli.UsageError : GantryCli.ConnectionError;
    }
}
