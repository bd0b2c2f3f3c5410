using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Gantry.Store.Sqlite;

/// <summary>
/// Read-only connections, reused. In WAL mode readers never block the writer nor each other, so reads run in
/// parallel on as many connections as there are concurrent reads; at most <c>maxIdle</c> stay open between them.
/// </summary>
internal sealed class SqliteReaderPool(string connectionString, int maxIdle) : IDisposable
{
    private readonly ConcurrentBag<SqliteConnection> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    public SqliteConnection Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            return connection;
        }

        connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            SqliteGantryStore.Execute(connection, "PRAGMA busy_timeout = 10000");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Return(SqliteConnection connection)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > maxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
            return;
        }

        _idle.Add(connection);
        if (_disposed && _idle.TryTake(out var late))
        {
            late.Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }
}
