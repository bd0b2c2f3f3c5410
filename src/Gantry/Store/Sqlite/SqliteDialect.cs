using System.Data.Common;
using Gantry.Store.Relational;

namespace Gantry.Store.Sqlite;

/// <summary>Job ids as 16-byte BLOBs in RFC 4122 byte order, so <c>hex(id)</c> in the sqlite3 shell reads as the UUID.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override void AddGuid(SqlParameters parameters, string name, Guid? value) =>
        parameters.Blob(name, value?.ToByteArray(bigEndian: true));

    public override Guid ReadGuid(DbDataReader reader, int ordinal) =>
        new(reader.GetFieldValue<byte[]>(ordinal), bigEndian: true);
}
