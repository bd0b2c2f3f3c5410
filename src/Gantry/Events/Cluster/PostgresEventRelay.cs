using System.Threading.Channels;
using Gantry.Domain;
using Gantry.Jobs;
using Gantry.Store;
using Gantry.Store.Postgres;
using Npgsql;

namespace Gantry.Events.Cluster;

/// <summary>
/// Relays job events between the instances that share one PostgreSQL database, with <c>NOTIFY</c>/<c>LISTEN</c> on
/// <see cref="ChannelName"/>. Each instance sends its users' job frames (the leader's come from the workers) and its job
/// changes, numbered per sender, from one session, so PostgreSQL delivers them in that order; every other instance
/// publishes the frames to its own subscribers and raises <see cref="JobSignals.ChangedElsewhere"/> for the changes, with the
/// state each notice carries (a notice without one, from an older instance, is answered by reading the job).
/// A frame too big for one notification goes in pieces, sent in one round trip; previews over
/// <see cref="EventRelayOptions.MaxPreviewBytes"/> stay on the instance that produced them.
/// </summary>
internal sealed class PostgresEventRelay(
    string? connectionString,
    EventHub hub,
    JobSignals signals,
    IJobStore store,
    EventRelayOptions options,
    TimeProvider time,
    ILogger<PostgresEventRelay> logger) : BackgroundService, IEventRelay
{
    public const string ChannelName = "gantry_events";

    /// <summary>Notifications sent in one round trip at most.</summary>
    private const int SendBatch = 512;

    private readonly string _sender = Guid.NewGuid().ToString("N");
    private readonly Lock _sequenceLock = new();
    private readonly CancellationTokenSource _sending = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Channel<string>? _outbox;
    private Channel<string>? _inbox;
    private Task _sendLoop = Task.CompletedTask;
    private long _sequence;

    /// <summary>This instance's name on the channel (what its notifications start with).</summary>
    public string Sender => _sender;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (connectionString is null)
        {
            // SQLite: one instance, nobody to tell.
            return;
        }

        _outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(options.OutboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        _inbox = Channel.CreateBounded<string>(new BoundedChannelOptions(options.OutboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        _sendLoop = Task.Run(() => SendAsync(_sending.Token), CancellationToken.None);
        hub.Relay = this;
        signals.Changed += OnChanged;
        await base.StartAsync(cancellationToken);

        // Serving starts once this instance hears the others (a socket opened at once misses nothing), or after a moment
        // without the database (it keeps trying, and says so).
        try
        {
            await _listening.Task.WaitAsync(TimeSpan.FromSeconds(5), time, cancellationToken);
        }
        catch (TimeoutException)
        {
            EventRelayLog.Failed(logger, "not listening yet");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (connectionString is null)
        {
            return;
        }

        signals.Changed -= OnChanged;
        hub.Relay = null;
        _outbox?.Writer.TryComplete();

        // What is queued still goes (the last frames of a stopping leader), for a moment at most.
        _sending.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await _sendLoop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping without them.
        }

        await base.StopAsync(cancellationToken);
        _sending.Dispose();
    }

    public void Forward(long userId, EventFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var limit = frame.IsBinary ? options.MaxPreviewBytes : options.MaxTextBytes;
        if (frame.Payload.Length > limit)
        {
            EventRelayLog.TooBig(logger, frame.Payload.Length, frame.IsBinary ? "preview" : "message", frame.JobId ?? Guid.Empty);
            return;
        }

        lock (_sequenceLock)
        {
            var notices = EventNotice.ForFrame(_sender, _sequence + 1, userId, frame);
            if (notices.Count == 0)
            {
                return;
            }

            // Numbered even when dropped, so that the receivers see the gap.
            _sequence += notices.Count;
            if (_outbox is not { } outbox || outbox.Reader.Count + notices.Count > options.OutboxCapacity)
            {
                EventRelayLog.OutboxFull(logger, frame.JobId ?? Guid.Empty);
                return;
            }

            foreach (var notice in notices)
            {
                outbox.Writer.TryWrite(notice.Format());
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(ListenAsync(stoppingToken), ReceiveAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void OnChanged(JobRecord job)
    {
        lock (_sequenceLock)
        {
            var notice = new EventNotice { Sender = _sender, Sequence = ++_sequence, Kind = EventNoticeKind.JobChanged, UserId = job.UserId, JobId = job.Id, State = job.State };
            _outbox?.Writer.TryWrite(notice.Format());
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString!)
        {
            ApplicationName = "gantry-events",
            MaxPoolSize = 1,
        }.ConnectionString);
        var reader = _outbox!.Reader;
        var pending = new List<string>(SendBatch);
        try
        {
            while (pending.Count > 0 || await reader.WaitToReadAsync(cancellationToken))
            {
                while (pending.Count < SendBatch && reader.TryRead(out var payload))
                {
                    pending.Add(payload);
                }

                if (await TrySendAsync(dataSource, pending, cancellationToken))
                {
                    pending.Clear();
                }
                else
                {
                    // The same notifications again, in the same order, once the database answers.
                    await Task.Delay(options.RetryInterval, time, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task<bool> TrySendAsync(NpgsqlDataSource dataSource, List<string> pending, CancellationToken cancellationToken)
    {
        try
        {
            await PostgresNotifications.SendAsync(dataSource, ChannelName, pending, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or IOException)
        {
            EventRelayLog.Failed(logger, ex.Message);
            return false;
        }
    }

    private Task ListenAsync(CancellationToken cancellationToken) => PostgresNotifications.ListenAsync(
        connectionString!, "gantry-events-listen", ChannelName, _inbox!.Writer, options.RetryInterval, time,
        listening: () =>
        {
            EventRelayLog.Listening(logger, _sender);
            _listening.TrySetResult();
        },
        failed: reason => EventRelayLog.Failed(logger, reason),
        cancellationToken);

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var reader = new EventNoticeReader(options.MaxPieces);
        await foreach (var payload in _inbox!.Reader.ReadAllAsync(cancellationToken))
        {
            if (payload.StartsWith(_sender, StringComparison.Ordinal) || EventNotice.Parse(payload) is not { } notice)
            {
                continue;
            }

            var gaps = reader.Gaps;
            var arrival = reader.Accept(notice);
            if (reader.Gaps > gaps)
            {
                EventRelayLog.Gap(logger, reader.Gaps - gaps, reader.Gaps);
            }

            if (arrival?.Frame is { } frame)
            {
                hub.PublishHere(arrival.UserId, frame);
            }
            else if (arrival is { State: { } state })
            {
                // The notice says what changed: nothing to read back (one store read per job change per instance was
                // a fifth of an idle follower's CPU while another instance took submits).
                signals.RaiseChangedElsewhere(new JobChange(arrival.JobId, arrival.UserId, state));
            }
            else if (arrival is not null)
            {
                await ChangedAsync(arrival.JobId, cancellationToken);
            }
        }
    }

    private async Task ChangedAsync(Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.GetJobAsync(jobId, cancellationToken) is { } job)
            {
                signals.RaiseChangedElsewhere(JobChange.Of(job));
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
        {
            EventRelayLog.Failed(logger, ex.Message);
        }
    }
}
