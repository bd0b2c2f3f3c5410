using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Gantry.Hosting;

/// <summary>Why <c>gantry serve</c> could not start; each maps to one documented exit code.</summary>
public enum StartupFailureKind
{
    /// <summary>A setting is malformed (a <c>--urls</c> that is not a URL): a usage error.</summary>
    BadSetting,

    /// <summary>The server cannot listen where it was told (address in use, not permitted, not local).</summary>
    CannotListen,

    /// <summary>The data folder or the database cannot be used.</summary>
    StoreUnavailable,
}

/// <summary>A start-up failure explained in one line, without a stack trace.</summary>
public sealed class StartupException(StartupFailureKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public StartupFailureKind Kind { get; } = kind;
}

/// <summary>
/// What <c>gantry serve</c> checks before it starts anything, so that a mistake is one clear line: the listen
/// addresses, the data folder, the PostgreSQL server and database (created when the role may). And how a failure
/// of the start itself reads (<see cref="Explain"/>).
/// </summary>
public static class StartupChecks
{
    /// <summary>Throws when one of <paramref name="urls"/> (semicolon separated, as <c>--urls</c>) is not a listen address.</summary>
    public static void CheckUrls(string? urls)
    {
        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                var address = BindingAddress.Parse(url);
                if (address.Scheme is not ("http" or "https") || address.Port is < 0 or > 65535)
                {
                    throw new FormatException();
                }
            }
            catch (FormatException)
            {
                throw new StartupException(StartupFailureKind.BadSetting,
                    $"--urls: '{url}' is not an address to listen on; expected for example {GantryApp.DefaultUrl} (several separated by ';').");
            }
        }
    }

    /// <summary>Creates the data folder if needed and proves Gantry can write in it.</summary>
    public static void CheckDataDirectory(string dataDirectory)
    {
        string full = dataDirectory;
        try
        {
            full = Path.GetFullPath(dataDirectory);
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".write-test-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new StartupException(StartupFailureKind.StoreUnavailable,
                $"Cannot use the data folder {full}: {ex.Message.TrimEnd('.')}. Pass --data DIR with a folder Gantry may create and write.", ex);
        }
    }

    /// <summary>
    /// Connects to the PostgreSQL store; a database that does not exist is created when the role may, otherwise the
    /// failure says how to create it.
    /// </summary>
    public static async Task EnsurePostgresDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder target;
        try
        {
            target = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new StartupException(StartupFailureKind.BadSetting, $"--store is not a PostgreSQL connection string: {ex.Message}");
        }

        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            await CreateDatabaseAsync(target, cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            throw Unreachable(target, ex);
        }
    }

    /// <summary>One line for an exception the start threw; unknown ones keep their type and message.</summary>
    public static StartupException Explain(Exception exception, string? urls)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            StartupException known => known,
            IOException { InnerException: AddressInUseException } => new(StartupFailureKind.CannotListen,
                $"Cannot listen on {urls ?? GantryApp.DefaultUrl}: the address is already in use (is another Gantry or ComfyUI running?). Pass --urls with a free port.", exception),
            IOException { InnerException: SocketException socket } => new(StartupFailureKind.CannotListen,
                $"Cannot listen on {urls ?? GantryApp.DefaultUrl}: {socket.Message}.", exception),
            IOException io when io.Message.StartsWith("Failed to bind", StringComparison.Ordinal) => new(StartupFailureKind.CannotListen, io.Message, exception),
            SqliteException sqlite => new(StartupFailureKind.StoreUnavailable, $"Cannot use the SQLite store: {sqlite.Message}", exception),
            NpgsqlException postgres => new(StartupFailureKind.StoreUnavailable, $"Cannot use the PostgreSQL store: {postgres.Message}", exception),
            Microsoft.Extensions.Options.OptionsValidationException invalid => new(StartupFailureKind.BadSetting, $"Bad setting: {invalid.Message}", exception),
            UnauthorizedAccessException access => new(StartupFailureKind.StoreUnavailable, $"Cannot use the data folder: {access.Message}", exception),
            _ => new(StartupFailureKind.StoreUnavailable, $"Gantry could not start: {exception.GetType().Name}: {exception.Message}", exception),
        };
    }

    private static async Task CreateDatabaseAsync(NpgsqlConnectionStringBuilder target, CancellationToken cancellationToken)
    {
        var name = target.Database!;
        var how = $"create it as a role that may (psql: CREATE DATABASE \"{name}\" OWNER \"{target.Username}\";), or give '{target.Username}' CREATEDB";
        var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another Gantry created it meanwhile.
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.InvalidCatalogName)
        {
            throw new StartupException(StartupFailureKind.StoreUnavailable,
                $"PostgreSQL database '{name}' on {target.Host}:{target.Port} does not exist and role '{target.Username}' may not create it: {how}.", ex);
        }
        catch (NpgsqlException ex)
        {
            throw new StartupException(StartupFailureKind.StoreUnavailable,
                $"PostgreSQL database '{name}' on {target.Host}:{target.Port} does not exist and could not be created ({ex.Message}): {how}.", ex);
        }
    }

    private static StartupException Unreachable(NpgsqlConnectionStringBuilder target, NpgsqlException exception)
    {
        var where = $"PostgreSQL at {target.Host}:{target.Port}";
        var message = exception switch
        {
            PostgresException server => $"{where} refused database '{target.Database}' for role '{target.Username}': {server.MessageText}",
            { InnerException: SocketException or TimeoutException } => $"Cannot reach {where}: {exception.InnerException!.Message}",
            _ => $"Cannot use {where}: {exception.Message}",
        };
        return new StartupException(StartupFailureKind.StoreUnavailable, $"{message.TrimEnd('.')}. Check --store (Gantry:Store:Postgres).", exception);
    }
}
