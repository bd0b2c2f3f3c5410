using System.CommandLine;
using Gantry.Hosting;
using Gantry.Store;
using Gantry.Store.Copy;
using Gantry.Store.Sqlite;
using Npgsql;

namespace Gantry.Cli;

/// <summary>
/// <c>gantry store copy</c>: moves a SQLite store into PostgreSQL (resumable, verified); <c>gantry store backup</c>: a
/// consistent copy of the SQLite file while Gantry runs (<c>VACUUM INTO</c>). Exit codes: 0 done and verified, 1 the
/// verification found a difference, 2 usage error or a target that cannot take the copy, 5 a store that cannot be read.
/// </summary>
public static class StoreCommand
{
    public const int DefaultBatchSize = 1000;
    public const int MaxBatchSize = 100_000;

    public static Command Create()
    {
        var command = new Command("store", "Copy the SQLite store into PostgreSQL, or back it up.");
        command.Add(CopyCommand());
        command.Add(BackupCommand());
        return command;
    }

    private static Command CopyCommand()
    {
        var data = new Option<string?>("--data") { Description = "Data folder of the SQLite store to copy (default: the one 'gantry serve' would use, else ./gantry-data)." };
        var to = new Option<string>("--to") { Description = "Connection string of the PostgreSQL database to copy into (created by the copy if the role may; must hold no other data).", Required = true };
        var batch = new Option<int>("--batch-size") { Description = $"Rows per transaction (1 to {MaxBatchSize}).", DefaultValueFactory = _ => DefaultBatchSize };
        var command = new Command("copy", "Copy every table of the SQLite store into an empty PostgreSQL database; run it again to resume or re-verify. Stop Gantry first.")
        {
            data, to, batch,
        };
        command.SetAction((parse, cancellationToken) => CopyAsync(parse.GetValue(data), parse.GetValue(to)!, parse.GetValue(batch), cancellationToken));
        return command;
    }

    private static Command BackupCommand()
    {
        var data = new Option<string?>("--data") { Description = "Data folder of the SQLite store (default: the one 'gantry serve' would use, else ./gantry-data)." };
        var to = new Option<string>("--to") { Description = "The backup file to write; must not exist.", Required = true };
        var command = new Command("backup", "Write a consistent copy of the SQLite store to a new file, also while Gantry runs (VACUUM INTO).") { data, to };
        command.SetAction((parse, cancellationToken) => BackupAsync(parse.GetValue(data), parse.GetValue(to)!, cancellationToken));
        return command;
    }

    private static async Task<int> CopyAsync(string? dataFlag, string to, int batchSize, CancellationToken cancellationToken)
    {
        if (batchSize is < 1 or > MaxBatchSize)
        {
            await Console.Error.WriteLineAsync($"--batch-size must be 1 to {MaxBatchSize}.");
            return GantryCli.UsageError;
        }

        if (!TryPostgres(to, out var error))
        {
            await Console.Error.WriteLineAsync(error);
            return GantryCli.UsageError;
        }

        if (SqliteFile(dataFlag) is not { } file)
        {
            return GantryCli.UsageError;
        }

        try
        {
            var report = await new StoreCopier(Console.WriteLine).CopyAsync(file, to, batchSize, cancellationToken);
            Console.WriteLine($"{"table",-22} {"sqlite rows",12} {"postgres rows",14} {"sqlite checksum",-17} {"postgres checksum",-17} ok");
            foreach (var table in report.Tables)
            {
                Console.WriteLine(
                    $"{table.Name,-22} {table.Source.Rows,12} {table.Target.Rows,14} {table.Source,-17} {table.Target,-17} {(table.Matches ? "yes" : "NO")}");
            }

            Console.WriteLine(report.AllMatch
                ? $"Copied and verified {report.Tables.Count} tables."
                : "The copy differs from the source (see the tables marked NO): was the source written during the copy? Run the copy again to see.");
            return report.AllMatch ? GantryCli.Success : GantryCli.JobFailed;
        }
        catch (StoreCopyRefusedException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return GantryCli.UsageError;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync($"The copy stopped: {ex.Message} Run it again to continue once the cause is fixed.");
            return GantryCli.StoreUnavailable;
        }
    }

    private static async Task<int> BackupAsync(string? dataFlag, string to, CancellationToken cancellationToken)
    {
        if (SqliteFile(dataFlag) is not { } file)
        {
            return GantryCli.UsageError;
        }

        var target = Path.GetFullPath(to);
        if (File.Exists(target) || !Directory.Exists(Path.GetDirectoryName(target)))
        {
            await Console.Error.WriteLineAsync($"{target} exists already, or its folder does not: give a new file in an existing folder.");
            return GantryCli.UsageError;
        }

        try
        {
            await SqliteBackup.WriteAsync(file, target, cancellationToken);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            await Console.Error.WriteLineAsync($"The backup failed: {ex.Message}");
            return GantryCli.StoreUnavailable;
        }

        Console.WriteLine($"Backed up {file} to {target} ({new FileInfo(target).Length} bytes).");
        return GantryCli.Success;
    }

    private static bool TryPostgres(string connectionString, out string error)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            error = "";
            return true;
        }
        catch (ArgumentException ex)
        {
            error = $"--to is not a PostgreSQL connection string: {ex.Message}";
            return false;
        }
    }

    private static string? SqliteFile(string? dataFlag)
    {
        DataOptions data;
        try
        {
            data = GantryConfiguration.ReadStoreSettings(dataFlag, storeFlag: null).Data;
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            Console.Error.WriteLine($"Bad setting: {ex.Message}");
            return null;
        }

        var file = Path.GetFullPath(Path.Combine(data.DataDirectory, GantryStoreFactory.SqliteFileName));
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"No SQLite store at {file}: pass --data DIR, the folder 'gantry serve' used.");
            return null;
        }

        return file;
    }
}
