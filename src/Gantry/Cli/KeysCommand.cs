using System.CommandLine;
using System.Globalization;
using Gantry.Auth;
using Spectre.Console;

namespace Gantry.Cli;

/// <summary><c>gantry keys create|list|revoke</c>: manage API keys directly in the local store.</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Create, list and revoke API keys (works on the local data folder or --store).");
        command.Add(CreateKeyCommand());
        command.Add(ListKeysCommand());
        command.Add(RevokeKeyCommand());
        return command;
    }

    private static (Option<string?> Data, Option<string?> Store) StoreOptions()
        => (new Option<string?>("--data") { Description = "Data folder of the Gantry to manage (default: the one 'gantry serve' would use, else ./gantry-data)." },
            new Option<string?>("--store") { Description = "PostgreSQL connection string, when Gantry runs on PostgreSQL." });

    private static Command CreateKeyCommand()
    {
        var (data, store) = StoreOptions();
        var user = new Option<string>("--user") { Description = "The user the key belongs to; created if new.", Required = true };
        var name = new Option<string?>("--name") { Description = "A note to tell keys apart." };
        var admin = new Option<bool>("--admin") { Description = "Make a new user an admin." };
        var command = new Command("create", "Create an API key; the key is the last line of the output.") { user, name, admin, data, store };
        command.SetAction((parse, cancellationToken) => CliStore.RunAsync(parse.GetValue(data), parse.GetValue(store), async gantryStore =>
        {
            var userName = parse.GetRequiredValue(user).Trim();
            if (userName.Length == 0)
            {
                await Console.Error.WriteLineAsync("--user must not be empty.");
                return GantryCli.UsageError;
            }

            var owner = await gantryStore.FindUserByNameAsync(userName, cancellationToken);
            if (owner is null)
            {
                owner = await gantryStore.CreateUserAsync(userName, parse.GetValue(admin), cancellationToken);
                Console.WriteLine($"Created user '{owner.Name}'.");
            }

            var key = ApiKeys.Generate();
            var info = await gantryStore.CreateApiKeyAsync(owner.Id, ApiKeys.Hash(key), ApiKeys.DisplayPrefix(key), parse.GetValue(name), cancellationToken);
            Console.WriteLine($"Created key {info.Id} ({info.Prefix}…) for '{owner.Name}'. It is shown only this once:");
            Console.WriteLine(key);
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command ListKeysCommand()
    {
        var (data, store) = StoreOptions();
        var user = new Option<string?>("--user") { Description = "Only this user's keys." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command("list", "List keys (never the keys themselves: their prefixes).") { user, json, data, store };
        command.SetAction((parse, cancellationToken) => CliStore.RunAsync(parse.GetValue(data), parse.GetValue(store), async gantryStore =>
        {
            long? userId = null;
            if (parse.GetValue(user) is { } userName)
            {
                var owner = await gantryStore.FindUserByNameAsync(userName, cancellationToken);
                if (owner is null)
                {
                    await Console.Error.WriteLineAsync($"No user '{userName}'.");
                    return GantryCli.UsageError;
                }

                userId = owner.Id;
            }

            var users = (await gantryStore.ListUsersAsync(cancellationToken)).ToDictionary(u => u.Id);
            var keys = await gantryStore.ListApiKeysAsync(userId, cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(CliJson.Keys(keys, users));
                return GantryCli.Success;
            }

            var table = new Table().AddColumns("Id", "User", "Prefix", "Name", "Created", "Revoked");
            foreach (var key in keys)
            {
                table.AddRow(
                    key.Id.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(users.TryGetValue(key.UserId, out var u) ? u.Name : "?"),
                    Markup.Escape(key.Prefix + "…"),
                    Markup.Escape(key.Name ?? ""),
                    CliFormat.Time(key.CreatedAtMs),
                    key.RevokedAtMs is { } r ? CliFormat.Time(r) : "");
            }

            AnsiConsole.Write(table);
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command RevokeKeyCommand()
    {
        var (data, store) = StoreOptions();
        var id = new Argument<long>("id") { Description = "The key's id, as 'gantry keys list' shows it." };
        var command = new Command("revoke", "Revoke a key; requests with it get 401 from then on.") { id, data, store };
        command.SetAction((parse, cancellationToken) => CliStore.RunAsync(parse.GetValue(data), parse.GetValue(store), async gantryStore =>
        {
            var keyId = parse.GetValue(id);
            if (!await gantryStore.RevokeApiKeyAsync(keyId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), cancellationToken))
            {
                await Console.Error.WriteLineAsync($"No active key with id {keyId}.");
                return GantryCli.UsageError;
            }

            Console.WriteLine($"Revoked key {keyId}.");
            return GantryCli.Success;
        }, cancellationToken));
        return command;
    }
}
