using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Gantry.Client;

namespace Gantry.Cli;

/// <summary>
/// Runs a job command against a running Gantry through <see cref="GantryApiClient"/>, as
/// <see cref="GantryHttpCommand"/> runs the others.
/// </summary>
public static class GantryApiCommand
{
    public static Task<int> RunAsync(GantryHttpOptions options, ParseResult parse, Func<GantryApiClient, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
        => GantryHttpCommand.RunAsync(options, parse, connection => new GantryApiClient(connection), body, cancellationToken);

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
