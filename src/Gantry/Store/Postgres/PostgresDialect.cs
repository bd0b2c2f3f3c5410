using System.Data;
using System.Data.Common;
using Gantry.Store.Relational;

namespace Gantry.Store.Postgres;

/// <summary>Job ids as <c>uuid</c>.</summary>
internal sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    public override void AddGuid(SqlParameters parameters, string name, Guid? value) => parameters.Add(name, value, DbType.Guid);

    public override Guid ReadGuid(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    public override string? LockUserSql => "SELECT id FROM users WHERE id = @user_id FOR UPDATE";

    public override bool ShareLocksRows => true;
}
