namespace Gantry.Tests.Infrastructure;

/// <summary>Which store a test server runs on; most HTTP tests run once per kind.</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
}
