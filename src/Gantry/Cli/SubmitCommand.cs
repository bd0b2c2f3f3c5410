using System.CommandLine;
using System.Text.Json.Nodes;
using Gantry.Client;
using Spectre.Console;

namespace Gantry.Cli;

/// <summary>
/// <c>gantry submit FILE [--set NODE.INPUT=VALUE]… [--wait]</c>: queues an API-format workflow; with <c>--wait</c>
/// follows it live (per node and step, from <c>/ws</c>), then saves its outputs. Exit 1 when the job failed or was cancelled.
/// </summary>
public static class SubmitCommand
{
    public static Command Create()
    {
        var http = new GantryHttpOptions();
        var file = new Argument<string>("file") { Description = "The workflow in API format (ComfyUI 'Export (API)'), or - for stdin." };
        var set = new Option<string[]>("--set")
        {
            Description = "Replace an input before submitting, as NODE.INPUT=VALUE (repeatable), e.g. --set 3.seed=42 --set 6.text=\"a red fox\".",
            AllowMultipleArgumentsPerToken = false,
        };
        var wait = new Option<bool>("--wait") { Description = "Follow the job until it ends, showing progress, then save its outputs." };
        var dir = new Option<string>("--dir") { Description = "With --wait: where to save the outputs (default: the current folder).", DefaultValueFactory = _ => "." };
        var timeout = new Option<int?>("--timeout") { Description = "With --wait: give up after this many seconds (exit 1; the job goes on)." };
        var json = GantryApiCommand.JsonOption();
        var command = http.AddTo(new Command("submit", "Submit a workflow; with --wait, follow it and save its outputs.") { file, set, wait, dir, timeout, json });
        command.SetAction((parse, cancellationToken) => GantryApiCommand.RunAsync(http, parse, async (client, token) =>
        {
            var workflow = await ReadWorkflowAsync(parse.GetRequiredValue(file), token);
            WorkflowInput.ApplyAssignments(workflow, parse.GetValue(set) ?? []);
            // Listening before submitting: a quick job's events all arrive after this.
            await using var events = parse.GetValue(wait) ? await client.TryOpenEventsAsync(token) : null;
            var asJson = parse.GetValue(json);
            SubmittedJob submitted;
            try
            {
                submitted = await client.SubmitAsync(workflow, token);
            }
            catch (GantryHttpException ex) when (SubmitRefusal.Parse(ex) is { } body)
            {
                // Why, node by node: not only "Prompt outputs failed validation".
                if (asJson)
                {
                    GantryApiCommand.WriteJson(body, ClientJsonContext.Default.JsonElement);
                }

                foreach (var line in SubmitRefusal.Describe(ex)!)
                {
                    await Console.Error.WriteLineAsync(line);
                }

                return GantryHttpCommand.ExitCodeOf(ex);
            }

            var progressOut = asJson ? Console.Error : Console.Out;
            if (!parse.GetValue(wait))
            {
                if (asJson)
                {
                    GantryApiCommand.WriteJson(submitted, ClientJsonContext.Default.SubmittedJob);
                }
                else
                {
                    Console.WriteLine($"Submitted {submitted.PromptId} (queue position {Position(submitted)}).");
                }

                return GantryCli.Success;
            }

            await progressOut.WriteLineAsync($"Submitted {submitted.PromptId} (queue position {Position(submitted)}).");
            var limit = parse.GetValue(timeout) is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan;
            var outcome = await FollowAsync(client, events, submitted.PromptId, ClassTypes(workflow), limit, progressOut, live: !asJson && IsInteractive(), token);
            var report = outcome.Report;
            if (outcome.TimedOut)
            {
                await Console.Error.WriteLineAsync($"Job {report.PromptId} is still {report.Status} after {limit.TotalSeconds:0} s; it goes on. Follow it with 'gantry status {report.PromptId}'.");
                return GantryCli.JobFailed;
            }

            await progressOut.WriteLineAsync(JobText.Verdict(report));
            var saved = report.Succeeded
                ? await OutputSaver.SaveAsync(client, report.Outputs ?? [], parse.GetValue(dir)!, token)
                : [];
            if (asJson)
            {
                GantryApiCommand.WriteJson(new SavedOutputs(report, saved), ClientJsonContext.Default.SavedOutputs);
            }
            else
            {
                foreach (var path in saved)
                {
                    Console.WriteLine($"Saved {path.Path}");
                }

                JobText.WriteTexts(Console.Out, report, classTypes: ClassTypes(workflow));
            }

            return GantryApiCommand.ExitCodeOf(report);
        }, cancellationToken));
        return command;
    }

    internal static async Task<JsonObject> ReadWorkflowAsync(string path, CancellationToken cancellationToken)
    {
        if (path == "-")
        {
            return WorkflowInput.Parse(await Console.In.ReadToEndAsync(cancellationToken), "stdin");
        }

        if (!File.Exists(path))
        {
            throw new WorkflowInputException($"No workflow file '{path}'.");
        }

        return WorkflowInput.Parse(await File.ReadAllTextAsync(path, cancellationToken), path);
    }

    private static async Task<WaitOutcome> FollowAsync(
        GantryApiClient client,
        GantryEventStream? events,
        string promptId,
        Dictionary<string, string> classTypes,
        TimeSpan limit,
        TextWriter output,
        bool live,
        CancellationToken cancellationToken)
    {
        if (!live)
        {
            var lines = new LineProgress(classTypes, output);
            return await client.WaitAsync(promptId, limit, events, lines.OnEvent, cancellationToken);
        }

        return await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var bars = new LiveProgress(classTypes, context);
                var outcome = await client.WaitAsync(promptId, limit, events, bars.OnEvent, cancellationToken);
                if (outcome.Report.Done)
                {
                    bars.Finish();
                }

                return outcome;
            });
    }

    private static Dictionary<string, string> ClassTypes(JsonObject workflow)
        => workflow.ToDictionary(n => n.Key, n => n.Value?["class_type"]?.GetValue<string>() ?? "?", StringComparer.Ordinal);

    private static string Position(SubmittedJob submitted)
        => submitted.QueuePosition?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown: already finished, or over 1000 jobs ahead";

    private static bool IsInteractive() => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
}
