using Gantry.Hosting;
using Gantry.Store;
using Npgsql;

namespace Gantry.Cli;

/// <summary>
/// Opens the store directly for local admin commands (<c>keys</c>, <c>users</c>): the data folder or PostgreSQL database
/// <c>gantry serve</c> with the same flags would use, read from the same settings (<see cref="GantryConfiguration"/>:
/// <c>--data</c>/<c>--store</c>, then <c>GANTRY__…</c> variables, then appsettings, then the defaults). Only
/// <c>gantry serve</c> creates a store: these commands refuse one that does not exist, so a typo in the folder never
/// makes a new empty store and a key the running server does not know.
/// </summary>
public static class CliStore
{
    /// <exception cref="CliStoreMissingException">There is no Gantry store where the command looked, or the settings do not read.</exception>
    public static async Task<IGantryStore> OpenAsync(string? dataFlag, string? storeFlag, CancellationToken cancellationToken)
    {
        var (data, settings) = ReadSettings(dataFlag, storeFlag);
        var dataDirectory = data.DataDirectory;
        var postgres = settings.Postgres;
        if (string.IsNullOrWhiteSpace(postgres))
        {
            if (string.IsNullOrWhiteSpace(dataDirectory))
            {
                throw new CliStoreMissingException("Bad setting: Gantry:DataDirectory is empty.");
            }

            var file = Path.GetFullPath(Path.Combine(dataDirectory, GantryStoreFactory.SqliteFileName));
            if (!File.Exists(file))
            {
                throw new CliStoreMissingException(
                    $"No Gantry store at {file}. Run this where 'gantry serve' keeps its data, or pass --data DIR (or --store for PostgreSQL); 'gantry serve' creates the store on its first start.");
            }
        }
        else
        {
            await EnsurePostgresSchemaAsync(postgres, cancellationToken);
        }

        var store = GantryStoreFactory.Create(postgres, dataDirectory, TimeProvider.System);
        await store.InitializeAsync(cancellationToken);
        return store;
    }

    /// <summary>Runs a store command: a missing or unreachable store is one line on stderr and exit 2.</summary>
    public static async Task<int> RunAsync(string? dataFlag, string? storeFlag, Func<IGantryStore, Task<int>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        IGantryStore store;
        try
        {
            store = await OpenAsync(dataFlag, storeFlag, cancellationToken);
        }
        catch (CliStoreMissingException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return GantryCli.UsageError;
        }

        await using (store)
        {
            return await body(store);
        }
    }

    private static (DataOptions Data, StoreOptions Store) ReadSettings(string? dataFlag, string? storeFlag)
    {
        try
        {
            return GantryConfiguration.ReadStoreSettings(dataFlag, storeFlag);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            // A broken appsettings.json, as 'gantry serve' reports it.
            throw new CliStoreMissingException($"Bad setting: {ex.Message}");
        }
    }

    private static async Task EnsurePostgresSchemaAsync(string connectionString, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder target;
        try
        {
            target = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new CliStoreMissingException($"--store is not a PostgreSQL connection string: {ex.Message}");
        }

        var where = $"PostgreSQL database '{target.Database}' on {target.Host}:{target.Port}";
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL", connection);
            if (await command.ExecuteScalarAsync(cancellationToken) is not true)
            {
                throw new CliStoreMissingException($"No Gantry store in {where}: 'gantry serve --store …' creates it on its first start.");
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            throw new CliStoreMissingException($"No Gantry store: {where} does not exist; 'gantry serve --store …' creates it on its first start.");
        }
        catch (NpgsqlException ex)
        {
            throw new CliStoreMissingException($"Cannot open the Gantry store in {where}: {ex.Message}");
        }
    }
}

/// <summary>A local admin command found no Gantry store where it looked (the message says where), or could not read its settings.</summary>
public sealed class CliStoreMissingException(string message) : Exception(message);
