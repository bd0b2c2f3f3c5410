using System.CommandLine;
using System.Text.Json;
using Gantry.Client;
using Spectre.Console;

namespace Gantry.Cli;

/// <summary>
/// <c>gantry workers add|list|remove|drain|resume</c>: manage the workers of a running Gantry through its admin API
/// (<c>/api/admin/workers</c>), so changes take effect at once and are kept across restarts. Needs an admin key.
/// </summary>
public static class WorkersCommand
{
    public static Command Create()
    {
        var command = new Command("workers", "Add, list, drain, resume and remove the workers of a running Gantry (needs an admin key).");
        command.Add(AddCommand());
        command.Add(ListCommand());
        command.Add(RemoveCommand());
        command.Add(DrainCommand());
        command.Add(ResumeCommand());
        return command;
    }

    private static Command AddCommand()
    {
        var http = new GantryHttpOptions();
        var url = new Argument<string>("url") { Description = "The ComfyUI server's base URL, e.g. http://10.0.0.5:8188." };
        var name = new Option<string?>("--name") { Description = "A unique name (default: the URL's host and port)." };
        var authHeader = new Option<string?>("--auth-header") { Description = "A header to send with every request to it, as \"Name: value\"." };
        var command = http.AddTo(new Command("add", "Add a ComfyUI server as a worker; it starts taking jobs at once.") { url, name, authHeader });
        command.SetAction((parse, cancellationToken) => GantryHttpCommand.RunAsync(http, parse, async (client, token) =>
        {
            var added = await new GantryAdminClient(client).AddWorkerAsync(parse.GetRequiredValue(url), parse.GetValue(name), parse.GetValue(authHeader), token);
            Console.WriteLine($"Added worker '{added.Name}' ({added.Url}): {Describe(added)}");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command ListCommand()
    {
        var http = new GantryHttpOptions();
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = http.AddTo(new Command("list", "List the workers: name, kind, URL, state, jobs held and slots, last error.") { json });
        command.SetAction((parse, cancellationToken) => GantryHttpCommand.RunAsync(http, parse, async (client, token) =>
        {
            if (parse.GetValue(json))
            {
                var body = await client.GetAsync("api/admin/workers", token);
                Console.WriteLine(JsonSerializer.Serialize(body, GantryHttpJsonContext.Default.JsonElement));
                return GantryCli.Success;
            }

            var workers = await new GantryAdminClient(client).ListWorkersAsync(token);
            var table = new Table().AddColumns("Name", "Kind", "URL", "State", "Running/Slots", "Last error");
            foreach (var worker in workers)
            {
                table.AddRow(
                    Markup.Escape(worker.Name),
                    Markup.Escape(worker.Kind),
                    Markup.Escape(worker.Url ?? "(in process)"),
                    StateMarkup(worker.State),
                    $"{worker.Running}/{worker.Slots}",
                    Markup.Escape(worker.LastError ?? ""));
            }

            AnsiConsole.Write(table);
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command RemoveCommand()
    {
        var http = new GantryHttpOptions();
        var name = new Argument<string>("name") { Description = "The worker's name, as 'gantry workers list' shows it." };
        var command = http.AddTo(new Command("remove", "Remove a worker added at run time; its jobs go back to the queue.") { name });
        command.SetAction((parse, cancellationToken) => GantryHttpCommand.RunAsync(http, parse, async (client, token) =>
        {
            var workerName = parse.GetRequiredValue(name);
            await new GantryAdminClient(client).RemoveWorkerAsync(workerName, token);
            Console.WriteLine($"Removed worker '{workerName}'.");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command ResumeCommand()
    {
        var http = new GantryHttpOptions();
        var name = new Argument<string>("name") { Description = "The worker's name, as 'gantry workers list' shows it." };
        var command = http.AddTo(new Command("resume", "Undo a drain: the worker takes new jobs again.") { name });
        command.SetAction((parse, cancellationToken) => GantryHttpCommand.RunAsync(http, parse, async (client, token) =>
        {
            var workerName = parse.GetRequiredValue(name);
            var resumed = await new GantryAdminClient(client).ResumeWorkerAsync(workerName, token);
            Console.WriteLine($"Worker '{resumed.Name}' is {resumed.State}: it takes new jobs again.");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command DrainCommand()
    {
        var http = new GantryHttpOptions();
        var name = new Argument<string>("name") { Description = "The worker's name, as 'gantry workers list' shows it." };
        var command = http.AddTo(new Command("drain", "Let a worker finish what it has and give it nothing new.") { name });
        command.SetAction((parse, cancellationToken) => GantryHttpCommand.RunAsync(http, parse, async (client, token) =>
        {
            var workerName = parse.GetRequiredValue(name);
            var drained = await new GantryAdminClient(client).DrainWorkerAsync(workerName, token);
            Console.WriteLine($"Worker '{drained.Name}' is {drained.State}: it finishes its {drained.Running} job(s) and takes no new ones.");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static string Describe(FleetWorker worker)
        => worker.LastError is { } error ? $"{worker.State} ({error})" : worker.State;

    private static string StateMarkup(string state) => state switch
    {
        "online" => "[green]online[/]",
        "draining" => "[yellow]draining[/]",
        "offline" => "[red]offline[/]",
        _ => Markup.Escape(state),
    };
}
