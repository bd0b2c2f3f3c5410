using Gantry.Store;

namespace Gantry.Cli;

/// <summary>
/// Opens the store directly for local admin commands (<c>keys</c>): the same data folder or PostgreSQL
/// the server uses. Flags win over <c>GANTRY__DATADIRECTORY</c> / <c>GANTRY__STORE__POSTGRES</c>, which win over the defaults.
/// </summary>
public static class CliStore
{
    public static string ResolveDataDirectory(string? flag)
        => flag ?? Environment.GetEnvironmentVariable("GANTRY__DATADIRECTORY") ?? "./gantry-data";

    public static async Task<IGantryStore> OpenAsync(string? dataFlag, string? storeFlag, CancellationToken cancellationToken)
    {
        var dataDirectory = ResolveDataDirectory(dataFlag);
        var postgres = storeFlag ?? Environment.GetEnvironmentVariable("GANTRY__STORE__POSTGRES");
        Directory.CreateDirectory(dataDirectory);
        var store = GantryStoreFactory.Create(postgres, dataDirectory, TimeProvider.System);
        await store.InitializeAsync(cancellationToken);
        return store;
    }
}
