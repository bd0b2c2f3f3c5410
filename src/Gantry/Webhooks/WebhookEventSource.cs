using System.Text.Json;
using System.Threading.Channels;
using Gantry.Domain;
using Gantry.Http;
using Gantry.Jobs;

namespace Gantry.Webhooks;

/// <summary>
/// Turns committed job changes into outbox rows: each change that raises an event (<see cref="WebhookEvents.For"/>) gets
/// one delivery per endpoint of the job's owner (and per all-users endpoint) subscribed to it. The signal handler only
/// queues the job; a background loop writes the rows, then wakes the sender.
/// </summary>
internal sealed partial class WebhookEventSource(
    JobSignals signals, WebhookStore store, WebhookSender sender, TimeProvider time, ILogger<WebhookEventSource> logger) : BackgroundService
{
    private const int MaxPending = 100_000;

    private readonly Channel<JobRecord> _changes = Channel.CreateBounded<JobRecord>(
        new BoundedChannelOptions(MaxPending) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        signals.Changed += OnChanged;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        signals.Changed -= OnChanged;
        _changes.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>The rows one change of <paramref name="job"/> adds for the given endpoints.</summary>
    public static List<WebhookDelivery> DeliveriesFor(JobRecord job, IReadOnlyList<WebhookEndpoint> endpoints, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(endpoints);
        var type = WebhookEvents.For(job.State);
        var deliveries = new List<WebhookDelivery>();
        if (type is null)
        {
            return deliveries;
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(
            new WebhookPayload(type, ResourceLinks.Iso(nowMs), new WebhookJobData(
                job.Id.ToString("D"),
                JobStatusVocabulary.ToV2Status(job.State),
                ResourceLinks.Iso(job.CreatedAtMs),
                job.ExecutionStartMs is { } start ? ResourceLinks.Iso(start) : null,
                JobStateMachine.IsTerminal(job.State) ? ResourceLinks.Iso(job.ExecutionEndMs ?? job.StateChangedAtMs) : null,
                job.State is JobState.Failed or JobState.Cancelled ? job.ErrorMessage : null,
                job.State == JobState.Succeeded ? job.OutputsCount : null,
                ResourceLinks.V2Job(job.Id))),
            WebhookJsonContext.Default.WebhookPayload);
        foreach (var endpoint in endpoints)
        {
            if ((endpoint.UserId == job.UserId || endpoint.AllUsers) && endpoint.Events.Contains(type))
            {
                deliveries.Add(new WebhookDelivery
                {
                    Id = Guid.NewGuid(),
                    EndpointId = endpoint.Id,
                    JobId = job.Id,
                    Event = type,
                    Payload = payload,
                    CreatedAtMs = nowMs,
                    Status = DeliveryStatus.Pending,
                    NextAttemptAtMs = nowMs,
                });
            }
        }

        return deliveries;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in _changes.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                var endpoints = await store.EndpointsForUserAsync(job.UserId, stoppingToken);
                var deliveries = DeliveriesFor(job, endpoints, time.GetUtcNow().ToUnixTimeMilliseconds());
                if (deliveries.Count > 0)
                {
                    await store.EnqueueAsync(deliveries, stoppingToken);
                    sender.Wake();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogEnqueueFailed(logger, job.Id, ex);
            }
        }
    }

    private void OnChanged(JobRecord job)
    {
        if (WebhookEvents.For(job.State) is not null && !_changes.Writer.TryWrite(job))
        {
            LogDropped(logger, job.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook deliveries for job {JobId} could not be queued")]
    private static partial void LogEnqueueFailed(ILogger logger, Guid jobId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook events of job {JobId} were dropped: too many changes are waiting to be queued")]
    private static partial void LogDropped(ILogger logger, Guid jobId);
}
