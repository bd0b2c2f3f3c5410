using System.CommandLine;
using Gantry.Client;
using Spectre.Console;

namespace Gantry.Cli;

/// <summary>
/// <c>gantry webhooks create|list|delete|deliveries|redeliver</c>: a running Gantry's webhook endpoints through
/// <c>/api/webhooks</c> (<see cref="GantryWebhooksClient"/>). A user manages their own endpoints; an admin sees all.
/// </summary>
public static class WebhooksCommand
{
    public static Command Create()
    {
        var command = new Command("webhooks", "Register, list and delete webhook endpoints for job events; see and resend their deliveries.");
        command.Add(CreateCommand());
        command.Add(ListCommand());
        command.Add(DeleteCommand());
        command.Add(DeliveriesCommand());
        command.Add(RedeliverCommand());
        return command;
    }

    private static Command CreateCommand()
    {
        var http = new GantryHttpOptions();
        var url = new Argument<string>("url") { Description = "Where to POST events, an http(s) URL (public addresses only unless Gantry:Webhooks:AllowPrivateAddresses)." };
        var events = new Option<string?>("--events") { Description = "Comma-separated: job.started, job.succeeded, job.failed, job.canceled (default: all)." };
        var description = new Option<string?>("--description") { Description = "A note for you (at most 500 characters)." };
        var allUsers = new Option<bool>("--all-users") { Description = "Receive every user's job events (admins only)." };
        var json = GantryApiCommand.JsonOption();
        var command = http.AddTo(new Command("create", "Register an endpoint; prints its signing secret, which is shown this once.") { url, events, description, allUsers, json });
        command.SetAction((parse, cancellationToken) => GantryHttpCommand.RunAsync(http, parse, async (client, token) =>
        {
            var list = parse.GetValue(events) is { } text
                ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : null;
            var created = await new GantryWebhooksClient(client).CreateAsync(
                parse.GetRequiredValue(url), list, parse.GetValue(description), parse.GetValue(allUsers), token);
            if (parse.GetValue(json))
            {
                GantryApiCommand.WriteJson(created, ClientJsonContext.Default.WebhookEndpointInfo);
                return GantryCli.Success;
            }

            Console.WriteLine($"Registered webhook {created.Id} for {string.Join(", ", created.Events)} at {created.Url}.");
            Console.WriteLine($"Secret (shown only now; verify each delivery's webhook-signature with it): {created.Secret}");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command ListCommand()
    {
        var http = new GantryHttpOptions();
        var json = GantryApiCommand.JsonOption();
        var command = http.AddTo(new Command("list", "List the webhook endpoints (an admin sees everyone's).") { json });
        command.SetAction((parse, cancellationToken) => GantryHttpCommand.RunAsync(http, parse, async (client, token) =>
        {
            var hooks = new GantryWebhooksClient(client);
            if (parse.GetValue(json))
            {
                GantryApiCommand.WriteJson(await hooks.ListJsonAsync(token), ClientJsonContext.Default.JsonElement);
                return GantryCli.Success;
            }

            var table = new Table().AddColumns("Id", "URL", "Events", "All users", "Created", "Description");
            foreach (var hook in await hooks.ListAsync(token))
            {
                table.AddRow(
                    Markup.Escape(hook.Id),
                    Markup.Escape(hook.Url),
                    Markup.Escape(string.Join(", ", hook.Events)),
                    hook.AllUsers ? "yes" : "",
                    Markup.Escape(hook.CreatedAt),
                    Markup.Escape(hook.Description ?? ""));
            }

            AnsiConsole.Write(table);
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command DeleteCommand()
    {
        var http = new GantryHttpOptions();
        var id = new Argument<string>("id") { Description = "The endpoint's id, as 'gantry webhooks list' shows it." };
        var command = http.AddTo(new Command("delete", "Delete an endpoint and its deliveries; nothing more is sent to it.") { id });
        command.SetAction((parse, cancellationToken) => GantryHttpCommand.RunAsync(http, parse, async (client, token) =>
        {
            var hookId = parse.GetRequiredValue(id);
            await new GantryWebhooksClient(client).DeleteAsync(hookId, token);
            Console.WriteLine($"Deleted webhook {hookId}.");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command DeliveriesCommand()
    {
        var http = new GantryHttpOptions();
        var id = new Argument<string>("id") { Description = "The endpoint's id." };
        var limit = new Option<int?>("--limit") { Description = "How many, newest first (1 to 500, default 50)." };
        var json = GantryApiCommand.JsonOption();
        var command = http.AddTo(new Command("deliveries", "An endpoint's latest deliveries: event, job, status, attempts, last answer.") { id, limit, json });
        command.SetAction((parse, cancellationToken) => GantryHttpCommand.RunAsync(http, parse, async (client, token) =>
        {
            var hooks = new GantryWebhooksClient(client);
            if (parse.GetValue(json))
            {
                GantryApiCommand.WriteJson(await hooks.DeliveriesJsonAsync(parse.GetRequiredValue(id), parse.GetValue(limit), token), ClientJsonContext.Default.JsonElement);
                return GantryCli.Success;
            }

            var table = new Table().AddColumns("Id", "Event", "Job", "Status", "Attempts", "Last answer", "Next attempt");
            foreach (var delivery in await hooks.DeliveriesAsync(parse.GetRequiredValue(id), parse.GetValue(limit), token))
            {
                table.AddRow(
                    Markup.Escape(delivery.Id),
                    Markup.Escape(delivery.Event),
                    Markup.Escape(delivery.JobId),
                    StatusMarkup(delivery.Status),
                    delivery.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(delivery.LastStatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? delivery.LastError ?? ""),
                    Markup.Escape(delivery.NextAttemptAt ?? ""));
            }

            AnsiConsole.Write(table);
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command RedeliverCommand()
    {
        var http = new GantryHttpOptions();
        var id = new Argument<string>("id") { Description = "The endpoint's id." };
        var delivery = new Argument<string>("delivery") { Description = "The delivery's id, as 'gantry webhooks deliveries' shows it." };
        var command = http.AddTo(new Command("redeliver", "Send a delivery again now (same message id), whatever its status.") { id, delivery });
        command.SetAction((parse, cancellationToken) => GantryHttpCommand.RunAsync(http, parse, async (client, token) =>
        {
            var deliveryId = parse.GetRequiredValue(delivery);
            await new GantryWebhooksClient(client).RedeliverAsync(parse.GetRequiredValue(id), deliveryId, token);
            Console.WriteLine($"Delivery {deliveryId} is queued to be sent again.");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static string StatusMarkup(string status) => status switch
    {
        "delivered" => "[green]delivered[/]",
        "failed" => "[red]failed[/]",
        _ => Markup.Escape(status),
    };
}
