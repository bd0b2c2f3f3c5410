using Gantry.Hosting;
using Gantry.Load.Seeding;
using Gantry.Store;
using Gantry.Store.Sqlite;

namespace Gantry.Load.Hosting;

/// <summary>
/// The real Gantry in this process, started the way <c>gantry serve</c> starts it (<see cref="GantryApp"/>):
/// real Kestrel on a free 127.0.0.1 port, a SQLite file in a temp folder or a fresh PostgreSQL database,
/// authentication on. Seeding runs after the schema exists and before the server takes requests.
/// </summary>
public sealed class GantryUnderTest : IAsyncDisposable
{
    private readonly BenchDatabase? _database;

    private GantryUnderTest(WebApplication app, string dataDirectory, BenchDatabase? database, string adminKey)
    {
        App = app;
        DataDirectory = dataDirectory;
        _database = database;
        AdminKey = adminKey;
        BaseAddress = GantryApp.ListeningAddress(app);
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public string AdminKey { get; }

    public string DataDirectory { get; }

    public IGantryStore Store => App.Services.GetRequiredService<IGantryStore>();

    public T GetService<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <param name="store">Which store.</param>
    /// <param name="postgresServer">The PostgreSQL server connection string (for <see cref="StoreChoice.Postgres"/>).</param>
    /// <param name="settings">Configuration as <c>Gantry:Section:Key</c> → value; no embedded workers unless given.</param>
    /// <param name="seed">Fills the store before the server starts.</param>
    public static async Task<GantryUnderTest> StartAsync(
        StoreChoice store,
        string? postgresServer,
        IReadOnlyDictionary<string, string>? settings = null,
        Func<StoreSeeder, Task>? seed = null,
        CancellationToken cancellationToken = default)
    {
        var data = Path.Combine(Path.GetTempPath(), "gantry-load-" + Guid.NewGuid().ToString("N")[..12]);
        BenchDatabase? database = null;
        try
        {
            var args = new List<string>
            {
                "--urls=http://127.0.0.1:0", $"--Gantry:DataDirectory={data}", "--Logging:LogLevel:Default=Warning", "--Gantry:Workers:Embedded=0",

                // Each load client drives one key far past the per-key rate limit (200/s): the benchmarks measure capacity.
                "--Gantry:Security:RequestsPerSecondPerKey=0",
            };
            if (store == StoreChoice.Postgres)
            {
                database = await BenchDatabase.CreateAsync(
                    postgresServer ?? throw new InvalidOperationException("PostgreSQL needs --postgres or GANTRY_TEST_POSTGRES (scripts/start-postgres.sh prints it)."),
                    cancellationToken);
                args.Add($"--Gantry:Store:Postgres={database.ConnectionString}");
            }

            args.AddRange((settings ?? new Dictionary<string, string>()).Select(setting => $"--{setting.Key}={setting.Value}"));
            var app = GantryApp.Build([.. args]);
            var adminKey = await GantryApp.InitializeAsync(app, cancellationToken)
                ?? throw new InvalidOperationException("A fresh data folder must create the admin key.");
            if (seed is not null)
            {
                var storeInstance = app.Services.GetRequiredService<IGantryStore>();
                StoreSeeder seeder = database is not null
                    ? new PostgresSeeder(database.ConnectionString)
                    : new SqliteSeeder(((SqliteGantryStore)storeInstance).DatabasePath);
                await seed(seeder);
            }

            await app.StartAsync(cancellationToken);
            return new GantryUnderTest(app, data, database, adminKey);
        }
        catch
        {
            if (database is not null)
            {
                await database.DisposeAsync();
            }

            DeleteData(data);
            throw;
        }
    }

    /// <summary>
    /// Makes a data folder (and database) that a separate <c>gantry serve</c> can open: the schema and admin from
    /// Gantry's own start-up, then the seed; nothing keeps running.
    /// </summary>
    public static async Task<PreparedStore> PrepareAsync(
        StoreChoice store, string? postgresServer, Func<StoreSeeder, Task> seed, CancellationToken cancellationToken = default)
    {
        var data = Path.Combine(Path.GetTempPath(), "gantry-load-" + Guid.NewGuid().ToString("N")[..12]);
        var database = store == StoreChoice.Postgres
            ? await BenchDatabase.CreateAsync(postgresServer ?? throw new InvalidOperationException("PostgreSQL needs --postgres or GANTRY_TEST_POSTGRES."), cancellationToken)
            : null;
        var prepared = new PreparedStore(data, database);
        try
        {
            var args = new List<string> { $"--Gantry:DataDirectory={data}", "--Logging:LogLevel:Default=Warning" };
            if (database is not null)
            {
                args.Add($"--Gantry:Store:Postgres={database.ConnectionString}");
            }

            await using var app = GantryApp.Build([.. args]);
            await GantryApp.InitializeAsync(app, cancellationToken);
            var storeInstance = app.Services.GetRequiredService<IGantryStore>();
            await seed(database is not null ? new PostgresSeeder(database.ConnectionString) : new SqliteSeeder(((SqliteGantryStore)storeInstance).DatabasePath));
            return prepared;
        }
        catch
        {
            await prepared.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates users with keys straight in the store (bulk SQL), for a server that already runs.</summary>
    public Task<IReadOnlyList<BenchUser>> AddUsersAsync(int count, string prefix, CancellationToken cancellationToken = default)
    {
        StoreSeeder seeder = _database is not null
            ? new PostgresSeeder(_database.ConnectionString)
            : new SqliteSeeder(((SqliteGantryStore)Store).DatabasePath);
        return seeder.AddUsersAsync(count, prefix, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        DeleteData(DataDirectory);
    }

    internal static void DeleteData(string data)
    {
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
