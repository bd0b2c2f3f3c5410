using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Gantry.Client;

namespace Gantry.Cli;

/// <summary>
/// Runs a job command against a running Gantry through <see cref="GantryApiClient"/>: a refused request prints the
/// server's message and exits with its code (<see cref="GantryHttpException"/>), a workflow that cannot be sent exits 2.
/// </summary>
public static class GantryApiCommand
{
    public static async Task<int> RunAsync(GantryHttpOptions options, ParseResult parse, Func<GantryApiClient, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
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

        using var client = new GantryApiClient(connection);
        try
        {
            return await body(client, cancellationToken);
        }
        catch (GantryHttpException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ex.ExitCode;
        }
        catch (WorkflowInputException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return GantryCli.UsageError;
        }
    }

    /// <summary>The <c>--json</c> option every read command has.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print JSON for scripts instead of text." };

    public static void WriteJson<T>(T value, JsonTypeInfo<T> type) => Console.Out.WriteLine(JsonSerializer.Serialize(value, type));

    /// <summary>The exit code for a job's outcome: 0 unless it failed or was cancelled.</summary>
    public static int ExitCodeOf(JobReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Status is "failed" or "cancelled" ? GantryCli.JobFailed : GantryCli.Success;
    }
}
