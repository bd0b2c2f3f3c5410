using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gantry.Client;
using Spectre.Console;

namespace Gantry.Cli;

/// <summary><c>gantry jobs</c>: the caller's jobs as a table, with the filters of <c>GET /api/jobs</c>.</summary>
public static class JobsCommand
{
    public static Command Create()
    {
        var http = new GantryHttpOptions();
        var status = new Option<string?>("--status") { Description = "Only these states, comma-separated: pending, in_progress, completed, failed, cancelled." };
        var workflowId = new Option<string?>("--workflow-id") { Description = "Only jobs of this UI workflow id." };
        var outputType = new Option<string?>("--output-type") { Description = "Only jobs with this kind of output: image, video or audio." };
        var sortBy = new Option<string?>("--sort-by") { Description = "create_time (default) or execution_time." };
        var sortOrder = new Option<string?>("--sort-order") { Description = "desc (default) or asc." };
        var limit = new Option<int?>("--limit") { Description = "How many (1 to 1000, default 100)." };
        var offset = new Option<int?>("--offset") { Description = "How many to skip (default 0)." };
        var json = GantryApiCommand.JsonOption();
        var command = http.AddTo(new Command("jobs", "List your jobs, newest first.") { status, workflowId, outputType, sortBy, sortOrder, limit, offset, json });
        command.SetAction((parse, cancellationToken) => GantryApiCommand.RunAsync(http, parse, async (client, token) =>
        {
            var filter = new JobListFilter
            {
                Status = parse.GetValue(status),
                WorkflowId = parse.GetValue(workflowId),
                OutputType = parse.GetValue(outputType),
                SortBy = parse.GetValue(sortBy),
                SortOrder = parse.GetValue(sortOrder),
                Limit = parse.GetValue(limit),
                Offset = parse.GetValue(offset),
            };
            var page = await client.ListJobsAsync(filter, token);
            if (parse.GetValue(json))
            {
                GantryApiCommand.WriteJson(page, ClientJsonContext.Default.JsonElement);
                return GantryCli.Success;
            }

            var table = new Table().AddColumns("Id", "Status", "Created", "Duration", "Outputs", "Error");
            foreach (var job in page.GetProperty("jobs").EnumerateArray())
            {
                table.AddRow(
                    Markup.Escape(JobReports.Text(job, "id") ?? ""),
                    StatusMarkup(JobReports.Text(job, "status") ?? ""),
                    Markup.Escape(Created(job)),
                    Markup.Escape(Duration(job)),
                    job.TryGetProperty("outputs_count", out var count) ? count.ToString() : "",
                    Markup.Escape(Error(job)));
            }

            AnsiConsole.Write(table);
            var pagination = page.GetProperty("pagination");
            Console.WriteLine($"{pagination.GetProperty("total")} job(s) in all{(pagination.GetProperty("has_more").GetBoolean() ? "; more with --offset" : "")}.");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    internal static string StatusMarkup(string status) => status switch
    {
        "completed" => "[green]completed[/]",
        "failed" => "[red]failed[/]",
        "cancelled" => "[yellow]cancelled[/]",
        "in_progress" => "[blue]in_progress[/]",
        _ => Markup.Escape(status),
    };

    // create_time is in seconds per the spec, or milliseconds where the server is set so; a value this large is milliseconds.
    private static string Created(JsonElement job)
        => job.TryGetProperty("create_time", out var time) && time.TryGetInt64(out var value)
            ? CliFormat.Time(value < 100_000_000_000 ? value * 1000 : value)
            : "";

    private static string Duration(JsonElement job)
        => job.TryGetProperty("execution_start_time", out var start) && start.TryGetInt64(out var from)
           && job.TryGetProperty("execution_end_time", out var end) && end.TryGetInt64(out var to)
            ? JobText.Seconds(Math.Max(0, to - from) / 1000.0)
            : "";

    private static string Error(JsonElement job)
        => job.TryGetProperty("execution_error", out var error) && error.ValueKind == JsonValueKind.Object
            ? $"{JobReports.Text(error, "node_type")}: {JobReports.Text(error, "exception_message")?.Trim()}"
            : "";
}

/// <summary><c>gantry queue</c>: the caller's running and waiting jobs.</summary>
public static class QueueCommand
{
    public static Command Create()
    {
        var http = new GantryHttpOptions();
        var json = GantryApiCommand.JsonOption();
        var command = http.AddTo(new Command("queue", "Show your running and waiting jobs, in the order they run.") { json });
        command.SetAction((parse, cancellationToken) => GantryApiCommand.RunAsync(http, parse, async (client, token) =>
        {
            var queue = await client.GetQueueAsync(token);
            if (parse.GetValue(json))
            {
                GantryApiCommand.WriteJson(queue, ClientJsonContext.Default.QueueView);
                return GantryCli.Success;
            }

            var table = new Table().AddColumns("Position", "State", "Id", "Created");
            foreach (var (entry, state) in queue.Running.Select(e => (e, "[blue]running[/]")).Concat(queue.Pending.Select(e => (e, "pending"))))
            {
                var created = entry.CreatedAt is { } iso && DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                    ? CliFormat.Time(time.ToUnixTimeMilliseconds())
                    : "";
                table.AddRow(entry.Position.ToString(CultureInfo.InvariantCulture), state, Markup.Escape(entry.PromptId), created);
            }

            AnsiConsole.Write(table);
            Console.WriteLine($"{queue.Running.Count} running, {queue.Pending.Count} waiting.");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }
}
