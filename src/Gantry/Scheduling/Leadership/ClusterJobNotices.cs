using System.Threading.Channels;
using Gantry.Domain;
using Gantry.Jobs;
using Gantry.Store;
using Gantry.Store.Postgres;
using Npgsql;

namespace Gantry.Scheduling.Leadership;

/// <summary>
/// Tells the leader about jobs accepted or cancelled on other instances (PostgreSQL only). Each instance sends a
/// <c>NOTIFY</c> on <see cref="ChannelName"/> for every job it queues or asks to stop on a worker; the leader listens,
/// rereads the job from the store and hands it to its dispatcher. A notification can be lost (the listening session
/// dropped, the sender failed), so the leader also rereads the store's queued and cancelling jobs every
/// <see cref="LeadershipOptions.RescanInterval"/>: a job waits at most that long for a missed notice.
/// </summary>
internal sealed class ClusterJobNotices(
    string? connectionString,
    Dispatcher dispatcher,
    JobSignals signals,
    IJobStore store,
    ILeaderElection election,
    LeadershipOptions options,
    TimeProvider time,
    ILogger<ClusterJobNotices> logger) : BackgroundService
{
    public const string ChannelName = "gantry_jobs";

    /// <summary>Notifications sent in one round trip at most.</summary>
    private const int SendBatch = 256;

    private readonly Channel<string> _outbox = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<string> _inbox = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (connectionString is null)
        {
            // SQLite: one instance, nobody to tell.
            return;
        }

        signals.Queued += OnQueued;
        signals.CancelRequested += OnCancelRequested;
        try
        {
            await Task.WhenAll(SendAsync(stoppingToken), ListenAsync(stoppingToken), ReceiveAsync(stoppingToken), RescanAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            signals.Queued -= OnQueued;
            signals.CancelRequested -= OnCancelRequested;
        }
    }

    /// <summary>The notification's text: what happened, to which job, from which instance.</summary>
    internal static string Format(char kind, Guid jobId, string instance) => $"{kind}:{jobId:N}:{instance}";

    internal static bool TryParse(string payload, out char kind, out Guid jobId, out string instance)
    {
        kind = default;
        jobId = default;
        instance = "";
        var parts = payload.Split(':', 3);
        if (parts.Length != 3 || parts[0].Length != 1 || !Guid.TryParseExact(parts[1], "N", out jobId))
        {
            return false;
        }

        kind = parts[0][0];
        instance = parts[2];
        return true;
    }

    private void OnQueued(JobRecord job)
    {
        if (job.State == JobState.Queued)
        {
            _outbox.Writer.TryWrite(Format('q', job.Id, election.InstanceId));
        }
    }

    private void OnCancelRequested(JobRecord job) => _outbox.Writer.TryWrite(Format('c', job.Id, election.InstanceId));

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString!)
        {
            ApplicationName = "gantry-notices",
            MaxPoolSize = 2,
        }.ConnectionString);
        var pending = new List<string>(SendBatch);
        while (await _outbox.Reader.WaitToReadAsync(cancellationToken))
        {
            pending.Clear();
            while (pending.Count < SendBatch && _outbox.Reader.TryRead(out var payload))
            {
                pending.Add(payload);
            }

            try
            {
                await PostgresNotifications.SendAsync(dataSource, ChannelName, pending, cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                // The leader's rescan finds these jobs.
                LeadershipLog.NoticesFailed(logger, ex.Message);
            }
        }
    }

    private Task ListenAsync(CancellationToken cancellationToken) => PostgresNotifications.ListenAsync(
        connectionString!, "gantry-listen", ChannelName, _inbox.Writer, options.RetryInterval, time,
        listening: () => { }, failed: reason => LeadershipLog.NoticesFailed(logger, reason), cancellationToken);

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        await foreach (var payload in _inbox.Reader.ReadAllAsync(cancellationToken))
        {
            if (!TryParse(payload, out var kind, out var jobId, out var instance) || instance == election.InstanceId || !dispatcher.IsLeading)
            {
                continue;
            }

            try
            {
                if (await store.GetJobAsync(jobId, cancellationToken) is { } job)
                {
                    Notice(job);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LeadershipLog.NoticesFailed(logger, ex.Message);
            }
        }
    }

    private async Task RescanAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(options.RescanInterval, time, cancellationToken);
            if (!dispatcher.IsLeading)
            {
                continue;
            }

            try
            {
                foreach (var job in await store.ListActiveJobsAsync(cancellationToken))
                {
                    Notice(job);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LeadershipLog.NoticesFailed(logger, ex.Message);
            }
        }
    }

    private void Notice(JobRecord job)
    {
        if (job.State == JobState.Queued)
        {
            dispatcher.NoticeQueued(job);
        }
        else if (job.State == JobState.Cancelling)
        {
            dispatcher.NoticeCancelRequested(job);
        }
    }
}
