using System.Data.Common;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Http;
using Gantry.Jobs;
using Gantry.Store.Relational;

namespace Gantry.Webhooks;

/// <summary>
/// The webhook outbox writer: each job move that raises an event (<see cref="WebhookEvents.For"/>) gets one delivery row
/// per endpoint of the job's owner (and per all-users endpoint) subscribed to it, written by the store in the SAME
/// transaction as the move (<see cref="IJobChangeOutbox"/>). A move is committed exactly with its deliveries, so a kill
/// right after a job finished cannot lose its webhook. Once committed, <see cref="WebhookSender"/> is woken.
/// </summary>
internal sealed class WebhookOutbox : IJobChangeOutbox
{
    public async Task AppendAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<JobRecord> moved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(moved);
        List<JobRecord>? raising = null;
        foreach (var job in moved)
        {
            if (WebhookEvents.For(job.State) is not null)
            {
                (raising ??= []).Add(job);
            }
        }

        if (raising is null)
        {
            return;
        }

        var endpoints = await WebhookStore.EndpointsForUsersAsync(connection, transaction, [.. raising.Select(j => j.UserId).Distinct()], cancellationToken);
        if (endpoints.Count == 0)
        {
            return;
        }

        var deliveries = new List<WebhookDelivery>();
        foreach (var job in raising)
        {
            deliveries.AddRange(DeliveriesFor(job, endpoints, job.StateChangedAtMs));
        }

        await WebhookStore.InsertDeliveriesAsync(connection, transaction, deliveries, cancellationToken);
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

        byte[]? payload = null;
        foreach (var endpoint in endpoints)
        {
            if ((endpoint.UserId == job.UserId || endpoint.AllUsers) && endpoint.Events.Contains(type))
            {
                payload ??= Payload(job, type, nowMs);
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

    private static byte[] Payload(JobRecord job, string type, long nowMs) => JsonSerializer.SerializeToUtf8Bytes(
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
}
