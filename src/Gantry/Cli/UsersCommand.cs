using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Gantry.Cli;

/// <summary>
/// <c>gantry users list|limits</c>: users and their scheduling overrides, directly in the local store
/// (like <c>keys</c>). A running server picks changed limits up within <c>Gantry:Scheduler:UserRefresh</c>.
/// </summary>
public static class UsersCommand
{
    public static Command Create()
    {
        var command = new Command("users", "List users and set their fair-share weight and limits (works on the local data folder or --store).");
        command.Add(ListCommand());
        command.Add(LimitsCommand());
        return command;
    }

    private static Command ListCommand()
    {
        var data = new Option<string?>("--data") { Description = "Data folder of the Gantry to manage (default: the one 'gantry serve' would use, else ./gantry-data)." };
        var store = new Option<string?>("--store") { Description = "PostgreSQL connection string, when Gantry runs on PostgreSQL." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command("list", "List users with their weight and limits (empty = the server's defaults).") { json, data, store };
        command.SetAction((parse, cancellationToken) => CliStore.RunAsync(parse.GetValue(data), parse.GetValue(store), async gantryStore =>
        {
            var users = await gantryStore.ListUsersAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(CliJson.Users(users));
                return GantryCli.Success;
            }

            var table = new Table().AddColumns("Id", "Name", "Admin", "Weight", "Max running", "Max queued", "Created");
            foreach (var user in users)
            {
                table.AddRow(
                    user.Id.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(user.Name),
                    user.IsAdmin ? "yes" : "",
                    Format(user.Weight),
                    Format(user.MaxRunning),
                    Format(user.MaxQueued),
                    CliFormat.Time(user.CreatedAtMs));
            }

            AnsiConsole.Write(table);
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command LimitsCommand()
    {
        var data = new Option<string?>("--data") { Description = "Data folder of the Gantry to manage (default: the one 'gantry serve' would use, else ./gantry-data)." };
        var store = new Option<string?>("--store") { Description = "PostgreSQL connection string, when Gantry runs on PostgreSQL." };
        var name = new Argument<string>("name") { Description = "The user." };
        var weight = new Option<string?>("--weight") { Description = "Fair-share weight (a number > 0), or 'default'." };
        var maxRunning = new Option<string?>("--max-running") { Description = "Most jobs on workers at once (0 = no limit), or 'default'." };
        var maxQueued = new Option<string?>("--max-queued") { Description = "Most jobs waiting at once (0 = no limit), or 'default'." };
        var command = new Command("limits", "Set a user's weight and limits; options left out keep their value.") { name, weight, maxRunning, maxQueued, data, store };
        command.SetAction((parse, cancellationToken) => CliStore.RunAsync(parse.GetValue(data), parse.GetValue(store), async gantryStore =>
        {
            var userName = parse.GetValue(name)!;
            var user = await gantryStore.FindUserByNameAsync(userName, cancellationToken);
            if (user is null)
            {
                await Console.Error.WriteLineAsync($"No user '{userName}'.");
                return GantryCli.UsageError;
            }

            if (!TryRead(parse.GetValue(weight), user.Weight, w => w > 0, "--weight", out var newWeight)
                || !TryRead(parse.GetValue(maxRunning), user.MaxRunning, m => m >= 0, "--max-running", out var newRunning)
                || !TryRead(parse.GetValue(maxQueued), user.MaxQueued, m => m >= 0, "--max-queued", out var newQueued))
            {
                return GantryCli.UsageError;
            }

            var updated = await gantryStore.UpdateUserLimitsAsync(user.Id, newWeight, newRunning, newQueued, cancellationToken);
            Console.WriteLine($"User '{updated!.Name}': weight {Format(updated.Weight)}, max running {Format(updated.MaxRunning)}, max queued {Format(updated.MaxQueued)}.");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static bool TryRead<T>(string? text, T? current, Func<T, bool> valid, string option, out T? value)
        where T : struct, IParsable<T>
    {
        value = current;
        if (text is null)
        {
            return true;
        }

        if (string.Equals(text, "default", StringComparison.OrdinalIgnoreCase))
        {
            value = null;
            return true;
        }

        if (T.TryParse(text, CultureInfo.InvariantCulture, out var parsed) && valid(parsed))
        {
            value = parsed;
            return true;
        }

        Console.Error.WriteLine($"{option} must be a valid number or 'default', got '{text}'.");
        return false;
    }

    private static string Format<T>(T? value)
        where T : struct, IFormattable
        => value is { } v ? v.ToString(null, CultureInfo.InvariantCulture) : "default";
}
