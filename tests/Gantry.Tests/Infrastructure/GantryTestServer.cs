using System.Net.Http.Headers;
using Gantry.Auth;
using Gantry.Domain;
using Gantry.Hosting;
using Gantry.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gantry.Tests.Infrastructure;

/// <summary>
/// A real Gantry in this process: real Kestrel on 127.0.0.1 (a free port), a real store
/// (a SQLite file in a temp folder, or a fresh PostgreSQL database), the real startup path.
/// </summary>
public sealed class GantryTestServer : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly PostgresTestDatabase? _database;
    private bool _handedOver;

    private GantryTestServer(WebApplication app, TempDirectory data, PostgresTestDatabase? database, string adminKey)
    {
        App = app;
        _data = data;
        _database = database;
        AdminKey = adminKey;
        BaseAddress = GantryApp.ListeningAddress(app);
    }

    public WebApplication App { get; }

    /// <summary>The PostgreSQL database the server runs on; null on SQLite.</summary>
    public PostgresTestDatabase? Database => _database;

    public Uri BaseAddress { get; }

    /// <summary>The admin key printed at first start.</summary>
    public string AdminKey { get; }

    public string DataDirectory => _data.Path;

    public IGantryStore Store => App.Services.GetRequiredService<IGantryStore>();

    public T GetService<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <param name="kind">The store to run on.</param>
    /// <param name="settings">
    /// Extra configuration, as <c>Gantry:Section:Key</c> → value. Servers start without workers
    /// (<c>Gantry:Workers:Embedded=0</c>) so jobs stay where tests put them; pass a number to run jobs.
    /// </param>
    /// <param name="configure">Changes to the services before the app is built (e.g. extra nodes for the embedded engine).</param>
    public static async Task<GantryTestServer> StartAsync(
        StoreKind kind, IReadOnlyDictionary<string, string>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var data = new TempDirectory("gantry-server");
        PostgresTestDatabase? database = null;
        try
        {
            if (kind == StoreKind.Postgres)
            {
                database = await PostgresTestDatabase.CreateAsync(CancellationToken.None);
            }

            return await LaunchAsync(data, database, adminKey: null, settings, configure);
        }
        catch
        {
            if (database is not null)
            {
                await database.DisposeAsync();
            }

            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops this server and starts a new one on the same data folder and database (a restart), with
    /// <paramref name="settings"/>; the new server owns both from then on.
    /// </summary>
    public async Task<GantryTestServer> RestartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        await App.StopAsync();
        await App.DisposeAsync();
        _handedOver = true;
        return await LaunchAsync(_data, _database, AdminKey, settings, configure: null);
    }

    private static async Task<GantryTestServer> LaunchAsync(
        TempDirectory data, PostgresTestDatabase? database, string? adminKey, IReadOnlyDictionary<string, string>? settings, Action<WebApplicationBuilder>? configure)
    {
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0", $"--Gantry:DataDirectory={data.Path}", "--Logging:LogLevel:Default=Warning", "--Gantry:Workers:Embedded=0",
        };
        if (database is not null)
        {
            args.Add($"--Gantry:Store:Postgres={database.ConnectionString}");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            args.Add($"--{key}={value}");
        }

        var app = GantryApp.Build([.. args], configure);
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var created = await GantryApp.InitializeAsync(app, timeout.Token);
        adminKey ??= created ?? throw new InvalidOperationException("A fresh data folder must create the admin key.");
        await app.StartAsync(timeout.Token);
        return new GantryTestServer(app, data, database, adminKey);
    }

    /// <summary>
    /// A second instance on this server's PostgreSQL database (its own data folder), as a multi-instance deployment
    /// runs; it is disposed on its own, before this one, and does not own the database.
    /// </summary>
    public async Task<GantryTestServer> StartSecondInstanceAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var connectionString = _database?.ConnectionString ?? throw new InvalidOperationException("Only a PostgreSQL server can have a second instance.");
        var data = new TempDirectory("gantry-server");
        try
        {
            var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>()) { ["Gantry:Store:Postgres"] = connectionString };
            return await LaunchAsync(data, database: null, AdminKey, all, configure: null);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>A client for the admin user, or for the given key (null: no key at all).</summary>
    public HttpClient CreateClient(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TestTimeouts.Default };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public HttpClient CreateAdminClient() => CreateClient(AdminKey);

    /// <summary>A new user with a fresh name and a key, and a client using that key.</summary>
    public async Task<TestUser> CreateUserAsync(string? name = null)
    {
        var userName = name ?? $"user-{Guid.NewGuid():N}";
        var user = await Store.CreateUserAsync(userName, isAdmin: false, CancellationToken.None);
        var key = ApiKeys.Generate();
        var info = await Store.CreateApiKeyAsync(user.Id, ApiKeys.Hash(key), ApiKeys.DisplayPrefix(key), null, CancellationToken.None);
        return new TestUser(user, key, info.Id, CreateClient(key));
    }

    public async ValueTask DisposeAsync()
    {
        if (_handedOver)
        {
            return;
        }

        await App.StopAsync();
        await App.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _data.Dispose();
    }
}

public sealed record TestUser(User User, string Key, long KeyId, HttpClient Client) : IDisposable
{
    public void Dispose() => Client.Dispose();
}
