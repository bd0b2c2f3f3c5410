using System.Data.Common;

namespace Gantry.Store.Relational;

/// <summary>Typed parameters on a command (see <see cref="SqlParameters"/>).</summary>
internal static class DbCommandExtensions
{
    public static DbCommand WithText(this DbCommand command, string sql, DbTransaction? transaction = null)
    {
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static void AddInt64(this DbCommand command, string name, long? value) => ((SqlParameters)command).Int64(name, value);

    public static void AddInt32(this DbCommand command, string name, int? value) => ((SqlParameters)command).Int32(name, value);

    public static void AddDouble(this DbCommand command, string name, double? value) => ((SqlParameters)command).Double(name, value);

    public static void AddBoolean(this DbCommand command, string name, bool value) => ((SqlParameters)command).Boolean(name, value);

    public static void AddText(this DbCommand command, string name, string? value) => ((SqlParameters)command).Text(name, value);

    public static void AddBlob(this DbCommand command, string name, byte[]? value) => ((SqlParameters)command).Blob(name, value);
}
