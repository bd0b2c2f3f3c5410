using System.Data.Common;
using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>
/// The mapping of a <c>users</c> row back to a <see cref="User"/>, for every query that selects the user's columns
/// (id, name, is_admin, created_at_ms, weight, max_running, max_queued, in that order) from reader position
/// <c>first</c>.
/// </summary>
internal static class UserRows
{
    /// <summary>The user columns, qualified with the alias <c>u</c>, in the order <see cref="Read"/> expects.</summary>
    public const string Columns = "u.id, u.name, u.is_admin, u.created_at_ms, u.weight, u.max_running, u.max_queued";

    public static User Read(DbDataReader reader, int first) => new()
    {
        Id = reader.GetInt64(first),
        Name = reader.GetString(first + 1),
        IsAdmin = reader.GetBoolean(first + 2),
        CreatedAtMs = reader.GetInt64(first + 3),
        Weight = reader.GetNullableDouble(first + 4),
        MaxRunning = reader.GetNullableInt32(first + 5),
        MaxQueued = reader.GetNullableInt32(first + 6),
    };
}
