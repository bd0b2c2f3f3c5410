using System.Data.Common;
using Gantry.Domain;
using Gantry.Store.Relational;

namespace Gantry.Store.V2;

/// <summary>
/// The statements behind <c>Idempotency-Key</c> (reject-on-duplicate, keys live 24 hours): a key is claimed inside the
/// transaction that inserts its job, so it is claimed exactly when the job exists, across restarts and instances.
/// </summary>
/// <remarks>
/// A claim that finds the key taken less than <see cref="Lifetime"/> ago writes nothing and returns no row; an older
/// claim is taken over. On PostgreSQL a concurrent claim of the same key waits on the unique index until the first
/// transaction ends, then sees it: one of any number of concurrent submits wins.
/// </remarks>
internal static class IdempotencyKeySql
{
    /// <summary>How long a key is remembered (the spec: 24h).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>The upsert that claims a key (RETURNING a row only when claimed); the PostgreSQL batch inlines it in a CTE.</summary>
    public const string ClaimValues =
        "INSERT INTO idempotency_keys (user_id, key, job_id, created_at_ms) VALUES (@user_id, @idem_key, @idem_job, @at) ";

    public const string ClaimConflict =
        "ON CONFLICT (user_id, key) DO UPDATE SET job_id = excluded.job_id, created_at_ms = excluded.created_at_ms " +
        "WHERE idempotency_keys.created_at_ms < @idem_expired_before RETURNING 1";

    public const string Release = "DELETE FROM idempotency_keys WHERE user_id = @user_id AND key = @idem_key AND job_id = @idem_job";

    public const string DeleteExpired = "DELETE FROM idempotency_keys WHERE created_at_ms < @idem_expired_before";

    /// <summary>Binds the key parameters of a job's claim (and <c>@user_id</c>, <c>@at</c> when <paramref name="withJobColumns"/>).</summary>
    public static void Bind(SqlParameters parameters, NewJob job, bool withJobColumns)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (withJobColumns)
        {
            parameters.Int64("@user_id", job.UserId);
            parameters.Int64("@at", job.CreatedAtMs);
        }

        parameters.Text("@idem_key", job.IdempotencyKey);
        parameters.Text("@idem_job", job.Id.ToString("D"));
        parameters.Int64("@idem_expired_before", job.CreatedAtMs - (long)Lifetime.TotalMilliseconds);
    }

    /// <summary>Claims the job's key on the given transaction; false when the key is taken (nothing written).</summary>
    public static bool TryClaim(DbConnection connection, DbTransaction transaction, NewJob job)
    {
        using var command = connection.CreateCommand().WithText(ClaimValues + ClaimConflict, transaction);
        Bind(command, job, withJobColumns: true);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Gives the key back when its job could not be inserted after all.</summary>
    public static void Unclaim(DbConnection connection, DbTransaction transaction, NewJob job)
    {
        using var command = connection.CreateCommand().WithText(Release, transaction);
        Bind(command, job, withJobColumns: true);
        command.ExecuteNonQuery();
    }
}
