using Gantry.Store.Leadership;
using Npgsql;

namespace Gantry.Scheduling.Leadership;

/// <summary>
/// Leadership through PostgreSQL: the leader is the instance whose dedicated session holds a session-level advisory
/// lock. PostgreSQL releases the lock the moment that session ends (the process died, the connection was terminated),
/// so a follower trying every <see cref="LeadershipOptions.RetryInterval"/> takes over within about that interval.
/// A new leader starts a term (the epoch grows) before it dispatches anything; the old leader checks its session every
/// <see cref="LeadershipOptions.CheckInterval"/> and stops when it is gone, and until then the store refuses its moves.
/// </summary>
internal sealed class PostgresLeaderElection(
    string connectionString, LeadershipSql sql, LeadershipOptions options, TimeProvider time, ILogger logger, string instanceId) : ILeaderElection
{
    /// <summary>The advisory lock of the dispatcher ("Gantry" + 2; the migrations use + 1).</summary>
    public const long LockKey = 0x47_61_6E_74_72_79_02;

    private long _epoch;

    public string InstanceId => instanceId;

    public long? CurrentEpoch => Volatile.Read(ref _epoch) is var epoch and > 0 ? epoch : null;

    public async Task<LeaderTerm> AcquireAsync(CancellationToken cancellationToken)
    {
        LeadershipLog.Following(logger, instanceId);

        // One session for every try (opening one costs more than the try), replaced when it breaks.
        NpgsqlConnection? session = null;
        try
        {
            while (true)
            {
                session ??= await OpenAsync(cancellationToken);
                if (session is not null && await TryLockAsync(session, cancellationToken) is var locked)
                {
                    if (locked is true && await BeginTermAsync(cancellationToken) is { } epoch)
                    {
                        Volatile.Write(ref _epoch, epoch);
                        var term = StartTerm(session, epoch);
                        session = null;
                        return term;
                    }

                    if (locked is not false)
                    {
                        // The session failed, or the term could not be started: closing it gives the lock back.
                        await session.DisposeAsync();
                        session = null;
                    }
                }

                await Task.Delay(options.RetryInterval, time, cancellationToken);
            }
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
        }
    }

    private async Task<long?> BeginTermAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await sql.BeginTermAsync(instanceId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            LeadershipLog.TryFailed(logger, ex.Message);
            return null;
        }
    }

    private async Task<NpgsqlConnection?> OpenAsync(CancellationToken cancellationToken)
    {
        var session = new NpgsqlConnection(SessionConnectionString());
        try
        {
            await session.OpenAsync(cancellationToken);
            return session;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            LeadershipLog.TryFailed(logger, ex.Message);
            await session.DisposeAsync();
            return null;
        }
    }

    /// <summary>Whether the lock was taken on <paramref name="session"/>; null when the session failed.</summary>
    private async Task<bool?> TryLockAsync(NpgsqlConnection session, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", session);
            command.Parameters.AddWithValue("key", LockKey);
            return await command.ExecuteScalarAsync(cancellationToken) is true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            LeadershipLog.TryFailed(logger, ex.Message);
            return null;
        }
    }

    private LeaderTerm StartTerm(NpgsqlConnection session, long epoch)
    {
        var watching = new CancellationTokenSource();
        LeaderTerm? term = null;
        Task watch = Task.CompletedTask;
        term = new LeaderTerm(epoch, async () =>
        {
            Volatile.Write(ref _epoch, 0);
            await watching.CancelAsync();
            await watch.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            watching.Dispose();

            // Closing the session (never pooled) releases the lock at once: a follower takes over on its next try.
            await session.DisposeAsync();
            LeadershipLog.Released(logger, epoch);
        });
        watch = WatchAsync(session, term, epoch, watching.Token);
        return term;
    }

    /// <summary>Pings the lock's session until it fails (the lock is gone with it) or the term ends.</summary>
    private async Task WatchAsync(NpgsqlConnection session, LeaderTerm term, long epoch, CancellationToken cancellationToken)
    {
        try
        {
            await using var ping = new NpgsqlCommand("SELECT 1", session);
            while (true)
            {
                await Task.Delay(options.CheckInterval, time, cancellationToken);
                await ping.ExecuteScalarAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The term ended here.
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _epoch, 0);
            LeadershipLog.Lost(logger, epoch, ex.Message);
            term.MarkLost();
        }
    }

    private string SessionConnectionString() => new NpgsqlConnectionStringBuilder(connectionString)
    {
        // Its own physical session: returning it to a pool would keep the lock alive.
        Pooling = false,
        ApplicationName = "gantry-leadership",
        KeepAlive = 5,
        Timeout = 5,
        CommandTimeout = 5,
    }.ConnectionString;
}
