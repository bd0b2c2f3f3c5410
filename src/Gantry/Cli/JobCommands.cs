using System.CommandLine;
using Gantry.Client;

namespace Gantry.Cli;

/// <summary><c>gantry status ID</c>: one job's state. Exit 0 when found (1 if it failed or was cancelled), 2 when there is no such job.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var http = new GantryHttpOptions();
        var id = new Argument<string>("id") { Description = "The job's prompt_id." };
        var json = GantryApiCommand.JsonOption();
        var command = http.AddTo(new Command("status", "Show one job: its state, timing, cached nodes, error and outputs.") { id, json });
        command.SetAction((parse, cancellationToken) => GantryApiCommand.RunAsync(http, parse, async (client, token) =>
        {
            var report = await client.GetReportAsync(parse.GetRequiredValue(id), token);
            if (parse.GetValue(json))
            {
                GantryApiCommand.WriteJson(report, ClientJsonContext.Default.JobReport);
            }
            else if (report.Found)
            {
                JobText.WriteReport(Console.Out, report);
            }

            if (!report.Found)
            {
                await Console.Error.WriteLineAsync($"Job {report.PromptId} not found.");
                return GantryCli.UsageError;
            }

            return GantryApiCommand.ExitCodeOf(report);
        }, cancellationToken));
        return command;
    }
}

/// <summary><c>gantry cancel ID</c>: cancels a waiting or running job; a job that already finished is left as it is.</summary>
public static class CancelCommand
{
    public static Command Create()
    {
        var http = new GantryHttpOptions();
        var id = new Argument<string>("id") { Description = "The job's prompt_id." };
        var command = http.AddTo(new Command("cancel", "Cancel a waiting or running job.") { id });
        command.SetAction((parse, cancellationToken) => GantryApiCommand.RunAsync(http, parse, async (client, token) =>
        {
            var outcome = await client.CancelAsync(parse.GetRequiredValue(id), token);
            Console.WriteLine(outcome.Cancelled
                ? $"Cancelled job {outcome.PromptId}."
                : $"Job {outcome.PromptId} had already finished ({outcome.Status}); nothing to cancel.");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }
}

/// <summary><c>gantry outputs ID [--dir DIR]</c>: saves a finished job's output files (keeping their subfolders).</summary>
public static class OutputsCommand
{
    public static Command Create()
    {
        var http = new GantryHttpOptions();
        var id = new Argument<string>("id") { Description = "The job's prompt_id." };
        var dir = new Option<string>("--dir") { Description = "Where to save the files (default: the current folder).", DefaultValueFactory = _ => "." };
        var json = GantryApiCommand.JsonOption();
        var command = http.AddTo(new Command("outputs", "Save a finished job's output files.") { id, dir, json });
        command.SetAction((parse, cancellationToken) => GantryApiCommand.RunAsync(http, parse, async (client, token) =>
        {
            var (report, files) = await client.GetOutputsAsync(parse.GetRequiredValue(id), token);
            var saved = await OutputSaver.SaveAsync(client, files, parse.GetValue(dir)!, token);
            if (parse.GetValue(json))
            {
                GantryApiCommand.WriteJson(new SavedOutputs(report, saved), ClientJsonContext.Default.SavedOutputs);
            }
            else
            {
                if (saved.Count == 0)
                {
                    Console.WriteLine($"Job {report.PromptId} ({report.Status}) has no output files.");
                }

                foreach (var file in saved)
                {
                    Console.WriteLine($"Saved {file.Path}");
                }

                JobText.WriteTexts(Console.Out, report);
            }

            if (report.Status is "failed" or "cancelled")
            {
                await Console.Error.WriteLineAsync(JobText.Verdict(report));
            }

            return GantryApiCommand.ExitCodeOf(report);
        }, cancellationToken));
        return command;
    }
}
