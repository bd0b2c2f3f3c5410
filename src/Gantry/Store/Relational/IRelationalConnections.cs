using System.Data.Common;

namespace Gantry.Store.Relational;

/// <summary>
/// The relational store's connections and id dialect, for a feature's own store class that keeps its SQL beside the
/// feature (such as <c>Assets/AssetIndex</c>) rather than in <see cref="RelationalGantryStore"/>.
/// </summary>
internal interface IRelationalConnections
{
    SqlDialect Dialect { get; }

    Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken);

    Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken);
}
