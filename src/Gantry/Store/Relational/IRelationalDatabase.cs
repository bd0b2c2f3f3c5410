using System.Data.Common;

namespace Gantry.Store.Relational;

/// <summary>
/// The connections of a relational store, for feature stores that keep their SQL in their own class
/// (one responsibility per type) while sharing the backend's connection handling and transactions.
/// </summary>
internal interface IRelationalDatabase
{
    /// <summary>The backend's SQL differences.</summary>
    SqlDialect Dialect { get; }

    /// <summary>What the job batch writers append to each transition batch's transaction (null: nothing).</summary>
    IJobChangeOutbox? ChangeOutbox { get; }

    /// <summary>Runs a read on a connection of the backend's choosing.</summary>
    Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>
    /// Runs one query on a read connection and hands its rows to <paramref name="read"/>. The backend may keep the
    /// statement prepared between calls, keyed by its text: <paramref name="sql"/> must be one of a few texts (a constant,
    /// or built from a query's shape only, never from values), and <paramref name="bind"/> adds the parameters afresh each call.
    /// </summary>
    Task<T> QueryAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>Runs a write in its own transaction and commits it.</summary>
    Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken);
}
