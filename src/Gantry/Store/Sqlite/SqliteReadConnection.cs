using Microsoft.Data.Sqlite;

namespace Gantry.Store.Sqlite;

/// <summary>
/// One pooled read-only connection and the statements kept prepared on it. Microsoft.Data.Sqlite prepares a command's
/// text once and keeps it while the command object lives, so a command kept per connection and per text is compiled
/// once instead of on every read (the largest single cost of a status read: see BENCHMARKS.md, "Reads: where the CPU goes").
/// Used by one caller at a time (the pool hands it out).
/// </summary>
internal sealed class SqliteReadConnection : IDisposable
{
    /// <summary>At most this many texts are kept per connection; others are prepared per call, as before.</summary>
    public const int MaxKeptStatements = 32;

    private readonly Dictionary<string, SqliteCommand> _kept = new(StringComparer.Ordinal);

    public SqliteReadConnection(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>How many statements are kept now (for tests).</summary>
    public int KeptStatements => _kept.Count;

    /// <summary>
    /// A command for <paramref name="sql"/> with no parameters bound. <paramref name="kept"/> says whether it stays
    /// with the connection (the caller must not dispose it) or is the caller's to dispose (the connection keeps enough).
    /// </summary>
    public SqliteCommand Command(string sql, out bool kept)
    {
        if (_kept.TryGetValue(sql, out var command))
        {
            command.Parameters.Clear();
            kept = true;
            return command;
        }

        command = Connection.CreateCommand();
        command.CommandText = sql;
        kept = _kept.Count < MaxKeptStatements;
        if (kept)
        {
            _kept.Add(sql, command);
        }

        return command;
    }

    public void Dispose()
    {
        foreach (var command in _kept.Values)
        {
            command.Dispose();
        }

        _kept.Clear();
        Connection.Dispose();
    }
}
