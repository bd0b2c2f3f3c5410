namespace Gantry.Tests.Infrastructure;

/// <summary>One server per test class (tests isolate themselves by creating their own users).</summary>
public abstract class ServerFixture(StoreKind kind) : IAsyncLifetime, IServerFixture
{
    private GantryTestServer? _server;

    public StoreKind Kind { get; } = kind;

    /// <summary>Why this fixture's tests cannot run here (PostgreSQL not configured on a developer machine), or null.</summary>
    public string? SkipReason { get; private set; }

    public GantryTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async ValueTask InitializeAsync()
    {
        SkipReason = Kind == StoreKind.Postgres ? PostgresTestDatabase.SkipReason : null;
        if (SkipReason is null)
        {
            _server = await GantryTestServer.StartAsync(Kind);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteServerFixture() : ServerFixture(StoreKind.Sqlite);

public sealed class PostgresServerFixture() : ServerFixture(StoreKind.Postgres);

/// <summary>A fixture holding one test server on one store, or the reason it could not start one.</summary>
public interface IServerFixture
{
    StoreKind Kind { get; }

    string? SkipReason { get; }

    GantryTestServer Server { get; }
}

/// <summary>Base of HTTP test classes that run once per store: skips (or, on CI, fails) where PostgreSQL is missing.</summary>
public abstract class ServerTestBase(IServerFixture fixture) : IAsyncLifetime
{
    protected GantryTestServer Server => fixture.Server;

    protected StoreKind Kind => fixture.Kind;

    public virtual ValueTask InitializeAsync()
    {
        if (fixture.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        return ValueTask.CompletedTask;
    }

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
