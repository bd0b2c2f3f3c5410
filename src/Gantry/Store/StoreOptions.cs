namespace Gantry.Store;

/// <summary>Which database holds Gantry's state: the <c>Gantry:Store</c> section.</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Gantry:Store";

    /// <summary>A PostgreSQL connection string; when empty the embedded SQLite store is used.</summary>
    public string? Postgres { get; set; }
}
