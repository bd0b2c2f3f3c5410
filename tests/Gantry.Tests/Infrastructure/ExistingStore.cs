using Gantry.Store;

namespace Gantry.Tests.Infrastructure;

/// <summary>
/// Makes the SQLite store <c>gantry serve</c> would make in a data folder, for tests of the local admin commands
/// (which refuse a folder without one).
/// </summary>
public static class ExistingStore
{
    public static async Task CreateAsync(string dataDirectory)
    {
        await using var store = GantryStoreFactory.Create(postgresConnectionString: null, dataDirectory);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
    }
}
