using System.Data.Common;

namespace Gantry.Store.Relational;

/// <summary>
/// What differs between the SQL backends in the statements they share: how a job id (a <see cref="Guid"/>)
/// travels. SQLite keeps it as a 16-byte BLOB in RFC 4122 (big-endian) byte order, PostgreSQL as <c>uuid</c>.
/// </summary>
internal abstract class SqlDialect
{
    public abstract void AddGuid(SqlParameters parameters, string name, Guid? value);

    public abstract Guid ReadGuid(DbDataReader reader, int ordinal);

    /// <summary>
    /// A statement that holds one user's row (<c>@user_id</c>) until the transaction ends, so that two instances cannot
    /// both pass a per-user check; null where writes are serialized anyway (SQLite has one writer).
    /// </summary>
    public virtual string? LockUserSql => null;

    /// <summary>Whether a read inside a write can share-lock the rows it reads (<c>FOR SHARE</c>); SQLite has one writer and needs not.</summary>
    public virtual bool ShareLocksRows => false;

    public Guid? ReadNullableGuid(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadGuid(reader, ordinal);
}
