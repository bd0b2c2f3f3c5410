using System.Data;
using System.Data.Common;

namespace Gantry.Store.Relational;

/// <summary>
/// Where parameters go: a command, or one command of a batch (PostgreSQL group commits send a batch).
/// The type is always set, also for nulls, so PostgreSQL never has to guess the type of a null parameter.
/// </summary>
internal readonly struct SqlParameters(DbParameterCollection parameters, Func<DbParameter> create)
{
    public static implicit operator SqlParameters(DbCommand command) => new(command.Parameters, command.CreateParameter);

    public static implicit operator SqlParameters(DbBatchCommand command) => new(command.Parameters, command.CreateParameter);

    public void Int64(string name, long? value) => Add(name, value, DbType.Int64);

    public void Int32(string name, int? value) => Add(name, value, DbType.Int32);

    public void Double(string name, double? value) => Add(name, value, DbType.Double);

    public void Boolean(string name, bool value) => Add(name, value, DbType.Boolean);

    public void Text(string name, string? value) => Add(name, value, DbType.String);

    public void Blob(string name, byte[]? value) => Add(name, value, DbType.Binary);

    public void Add(string name, object? value, DbType type)
    {
        var parameter = create();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        parameters.Add(parameter);
    }
}
