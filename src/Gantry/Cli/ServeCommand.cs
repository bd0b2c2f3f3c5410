using System.CommandLine;
using System.Text.RegularExpressions;
using Gantry.Hosting;
using Microsoft.Extensions.Options;

namespace Gantry.Cli;

/// <summary>
/// <c>gantry serve</c>: runs the server. Options map onto configuration keys, so appsettings.json and
/// <c>GANTRY__…</c> variables work too; any other setting is given as <c>--Section:Key=value</c>. A start that
/// cannot succeed ends with one line on stderr and exit 2 (bad option or setting), 4 (cannot listen) or 5 (data
/// folder or database unusable), before any admin key is made.
/// </summary>
public static partial class ServeCommand
{
    private const string Help = """
        Start Gantry: the API, the scheduler and the workers.

        Any setting can also be given as --Section:Key=value (or GANTRY__SECTION__KEY=value in the environment), e.g.:
          --Gantry:Scheduler:MaxRunningPerUser=5      jobs one user may run at once
          --Gantry:Limits:MaxQueuedPerUser=100        jobs one user may have waiting
          --Gantry:Workers:ComfyUi:0:Url=http://10.0.0.5:8188   drive a ComfyUI server
          --Gantry:Proxy:KnownProxies:0=10.0.0.2      trust X-Forwarded-* from this reverse proxy
          --Gantry:Api:JobStatusFailed=true           /api/job/{id}/status says 'failed' for clients that need it
          --Logging:LogLevel:Default=Debug
        All settings: README.md, Settings. Exit codes: 2 bad option, 4 cannot listen, 5 data folder or database unusable.
        """;

    private static bool _starting = true;

    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = $"Where to listen (default {GantryApp.DefaultUrl})." };
        var data = new Option<string?>("--data") { Description = "Data folder: SQLite store, files, admin key (default ./gantry-data)." };
        var store = new Option<string?>("--store") { Description = "A PostgreSQL connection string; without it the embedded SQLite store is used." };
        var noAuth = new Option<bool>("--no-auth") { Description = "Accept requests without an API key, all as the admin user (a local single-user ComfyUI)." };
        var allowRemoteNoAuth = new Option<bool>("--allow-remote-no-auth") { Description = "Let --no-auth listen on an address other than loopback (everyone who can reach it is admin)." };
        var embedded = new Option<int?>("--embedded-workers") { Description = "How many workers run jobs in process on the built-in engine (default 1; 0 for none)." };
        var frontend = new Option<string?>("--frontend") { Description = "A ComfyUI frontend build to serve at / (a folder with index.html; see docs/comfyui-frontend.md)." };
        var command = new Command("serve", Help)
        {
            urls, data, store, noAuth, allowRemoteNoAuth, embedded, frontend,
        };

        // --Section:Key=value settings go to configuration; anything else unknown is refused in the action.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.UnmatchedTokens.FirstOrDefault(t => !SettingToken().IsMatch(t)) is { } unknown)
            {
                await Console.Error.WriteLineAsync($"Unknown option or argument '{unknown}' for 'serve'. Other settings are given as --Section:Key=value.");
                await parse.RootCommandResult.Command.Parse(["serve", "--help"]).InvokeAsync(new InvocationConfiguration { Output = Console.Error }, cancellationToken);
                return GantryCli.UsageError;
            }

            var args = new List<string>(parse.UnmatchedTokens);
            if (parse.GetValue(urls) is { } u)
            {
                args.Add($"--urls={u}");
            }

            args.AddRange(GantryConfiguration.StoreFlagSettings(parse.GetValue(data), parse.GetValue(store)));

            if (parse.GetValue(frontend) is { } f)
            {
                args.Add($"--Gantry:Frontend:Root={f}");
            }

            if (parse.GetValue(noAuth))
            {
                args.Add("--Gantry:Auth:Enabled=false");
            }

            if (parse.GetValue(allowRemoteNoAuth))
            {
                args.Add("--Gantry:Security:AllowRemoteNoAuth=true");
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
        WebApplication app;
        try
        {
            // A failed start is one line from us; the host would log it again with a stack trace.
            app = GantryApp.Build(args, builder => builder.Logging.AddFilter(
                "Microsoft.Extensions.Hosting.Internal.Host", level => level >= LogLevel.Information && (level < LogLevel.Error || !Volatile.Read(ref _starting))));
        }
        catch (StartupException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ExitCodeOf(ex.Kind);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidDataException)
        {
            // A setting that does not bind (--Gantry:Scheduler:MaxRunningPerUser=many) or a broken appsettings.json.
            await Console.Error.WriteLineAsync($"Bad setting: {ex.Message}");
            return GantryCli.UsageError;
        }

        await using (app)
        {
            var urls = app.Configuration["urls"];
            try
            {
                var data = app.Services.GetRequiredService<IOptions<Store.DataOptions>>().Value;
                var postgres = app.Services.GetRequiredService<IOptions<Store.StoreOptions>>().Value.Postgres;
                StartupChecks.CheckUrls(urls);
                StartupChecks.CheckDataDirectory(data.DataDirectory);
                if (!string.IsNullOrWhiteSpace(postgres))
                {
                    await StartupChecks.EnsurePostgresDatabaseAsync(postgres, cancellationToken);
                }

                var admin = await GantryApp.PrepareAsync(app, cancellationToken);
                await app.StartAsync(cancellationToken);
                Volatile.Write(ref _starting, false);

                // Only now that the server listens: a start that failed must not have shown or saved a key.
                var newKey = await app.Services.GetRequiredService<Auth.AdminBootstrap>().CreateFirstKeyAsync(admin, cancellationToken);
                if (newKey is not null)
                {
                    Console.WriteLine("Created the admin user. Its API key is shown only this once:");
                    Console.WriteLine($"  {newKey}");
                    Console.WriteLine($"It is also saved in {Auth.AdminBootstrap.KeyFilePath(data)} (readable only by you).");
                }

                // The last line of a start: everything above (the key file too) is in place when it appears.
                Console.WriteLine($"Gantry is ready on {GantryApp.ListeningAddress(app).ToString().TrimEnd('/')}.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var failure = StartupChecks.Explain(ex, urls);
                await Console.Error.WriteLineAsync(failure.Message);
                return ExitCodeOf(failure.Kind);
            }

            await app.WaitForShutdownAsync(cancellationToken);
        }

        return GantryCli.Success;
    }

    private static int ExitCodeOf(StartupFailureKind kind) => kind switch
    {
        StartupFailureKind.BadSetting => GantryCli.UsageError,
        StartupFailureKind.CannotListen => GantryCli.CannotListen,
        _ => GantryCli.StoreUnavailable,
    };

    /// <summary>A configuration setting: <c>--Section:Key=value</c> (a colon in the key, a value after '=').</summary>
    [GeneratedRegex(@"^--[A-Za-z][^=:\s]*(:[^=:\s]+)+=", RegexOptions.CultureInvariant)]
    private static partial Regex SettingToken();
}
