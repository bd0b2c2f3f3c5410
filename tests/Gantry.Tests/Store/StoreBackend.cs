using Gantry.Store;
using Gantry.Store.Postgres;
using Gantry.Store.Sqlite;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Store;

/// <summary>
/// A database for one test class (a class fixture): the contract tests open stores on it, tests keep apart by
/// using their own users. <see cref="CreateFreshDatabaseAsync"/> gives a test an empty database of its own.
/// </summary>
public abstract class StoreBackend : IAsyncLifetime
{
    /// <summary>Why this backend cannot run here (tests skip), or null.</summary>
    public string? SkipReason { get; protected set; }

    /// <summary>A new store instance on the class's database, not yet initialized.</summary>
    public abstract IGantryStore CreateStore(TimeProvider? timeProvider = null);

    /// <summary>An empty database of its own, with a way to open stores on it.</summary>
    public abstract Task<FreshDatabase> CreateFreshDatabaseAsync(CancellationToken cancellationToken);

    public abstract ValueTask InitializeAsync();

    public abstract ValueTask DisposeAsync();
}

/// <summary>An empty database for one test; dropped (or deleted) on dispose.</summary>
public sealed class FreshDatabase(Func<IGantryStore> createStore, Func<ValueTask> drop) : IAsyncDisposable
{
    public IGantryStore CreateStore() => createStore();

    public ValueTask DisposeAsync() => drop();
}

/// <summary>SQLite: a real file in a temp folder per test class.</summary>
public sealed class SqliteBackend : StoreBackend
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "gantry-store-tests", Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(Folder, "gantry.db");

    public override IGantryStore CreateStore(TimeProvider? timeProvider = null) => new SqliteGantryStore(DatabasePath, timeProvider);

    public override Task<FreshDatabase> CreateFreshDatabaseAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Folder, $"fresh-{Guid.NewGuid():N}.db");
        return Task.FromResult(new FreshDatabase(() => new SqliteGantryStore(path), () => ValueTask.CompletedTask));
    }

    public override ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>PostgreSQL: a fresh database per test class on the server of <c>GANTRY_TEST_POSTGRES</c>.</summary>
public sealed class PostgresBackend : StoreBackend
{
    private PostgresTestDatabase? _database;

    public string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("No test database.");

    public override IGantryStore CreateStore(TimeProvider? timeProvider = null) => new PostgresGantryStore(ConnectionString, timeProvider);

    public override async Task<FreshDatabase> CreateFreshDatabaseAsync(CancellationToken cancellationToken)
    {
        var database = await PostgresTestDatabase.CreateAsync(cancellationToken);
        return new FreshDatabase(() => new PostgresGantryStore(database.ConnectionString), database.DisposeAsync);
    }

    public override async ValueTask InitializeAsync()
    {
        SkipReason = PostgresTestDatabase.SkipReason;
        if (SkipReason is null)
        {
            _database = await PostgresTestDatabase.CreateAsync(CancellationToken.None);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
