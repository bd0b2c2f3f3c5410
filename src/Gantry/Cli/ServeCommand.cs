using System.CommandLine;
using Gantry.Hosting;

namespace Gantry.Cli;

/// <summary><c>gantry serve</c>: runs the server. Options map onto configuration keys, so appsettings.json and <c>GANTRY__…</c> variables work too.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = $"Where to listen (default {GantryApp.DefaultUrl})." };
        var data = new Option<string?>("--data") { Description = "Data folder: SQLite store, files, admin key (default ./gantry-data)." };
        var store = new Option<string?>("--store") { Description = "A PostgreSQL connection string; without it the embedded SQLite store is used." };
        var noAuth = new Option<bool>("--no-auth") { Description = "Accept requests without an API key, all as the admin user (a local single-user ComfyUI)." };
        var embedded = new Option<int?>("--embedded-workers") { Description = "How many workers run jobs in process on the built-in engine (default 1; 0 for none)." };
        var command = new Command("serve", "Start Gantry: the API, the scheduler and the workers.")
        {
            urls, data, store, noAuth, embedded,
        };

        // Anything else (--Gantry:Limits:MaxQueuedPerUser=50, --Logging:LogLevel:Default=Debug) goes to configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var args = new List<string>(parse.UnmatchedTokens);
            if (parse.GetValue(urls) is { } u)
            {
                args.Add($"--urls={u}");
            }

            if (parse.GetValue(data) is { } d)
            {
                args.Add($"--Gantry:DataDirectory={d}");
            }

            if (parse.GetValue(store) is { } s)
            {
                args.Add($"--Gantry:Store:Postgres={s}");
            }

            if (parse.GetValue(noAuth))
            {
                args.Add("--Gantry:Auth:Enabled=false");
            }

            if (parse.GetValue(embedded) is { } workers)
            {
                if (workers < 0)
                {
                    await Console.Error.WriteLineAsync("--embedded-workers must be 0 or more.");
                    return GantryCli.UsageError;
                }

                args.Add($"--Gantry:Workers:Embedded={workers}");
            }

            return await RunAsync([.. args], cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        await using var app = GantryApp.Build(args);
        var newKey = await GantryApp.InitializeAsync(app, cancellationToken);
        if (newKey is not null)
        {
            var keyFile = Auth.AdminBootstrap.KeyFilePath(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Store.DataOptions>>().Value);
            Console.WriteLine("Created the admin user. Its API key is shown only this once:");
            Console.WriteLine($"  {newKey}");
            Console.WriteLine($"It is also saved in {keyFile} (readable only by you).");
        }

        await app.RunAsync(cancellationToken);
        return GantryCli.Success;
    }
}
