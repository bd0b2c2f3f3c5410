namespace Gantry.Load.Hosting;

/// <summary>A seeded data folder (and PostgreSQL database) for a separate <c>gantry serve</c>; deleted on dispose.</summary>
public sealed class PreparedStore(string dataDirectory, BenchDatabase? database) : IAsyncDisposable
{
    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The arguments that point <c>gantry serve</c> at this store.</summary>
    public IReadOnlyList<string> ServeArguments =>
        database is null ? ["--data", DataDirectory] : ["--data", DataDirectory, "--store", database.ConnectionString];

    public async ValueTask DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }

        GantryUnderTest.DeleteData(DataDirectory);
    }
}
