using System.Data.Common;
using Gantry.Store.Relational;

namespace Gantry.Webhooks;

/// <summary>
/// Webhook endpoints and the delivery outbox, on Gantry's database (SQLite or PostgreSQL; the tables of
/// <c>V2Schema</c>). Deliveries are inserted in the job transition's own transaction (<see cref="WebhookOutbox"/>). A delivery is claimed with a lease before it is sent, so one instance sends it; on PostgreSQL the
/// claim skips rows another instance is claiming (<c>FOR UPDATE SKIP LOCKED</c>). Within one endpoint and job, only the
/// oldest pending delivery is claimable: events of a job arrive in the order they happened.
/// </summary>
internal sealed class WebhookStore(IRelationalDatabase db)
{
    private const string EndpointColumns = "id, user_id, all_users, url, secret, events, description, created_at_ms";
    private const string DeliveryColumns =
        "id, endpoint_id, job_id, event, payload, created_at_ms, status, attempts, next_attempt_at_ms, last_attempt_at_ms, last_status_code, last_error, response_excerpt";

    private bool IsPostgres => db.Dialect is Store.Postgres.PostgresDialect;

    /// <summary>Registers an endpoint unless its owner already has <paramref name="maxPerUser"/>; false then.</summary>
    public Task<bool> CreateEndpointAsync(WebhookEndpoint endpoint, int maxPerUser, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction, ct) =>
        {
            await using (var count = connection.CreateCommand().WithText("SELECT COUNT(*) FROM webhook_endpoints WHERE user_id = @user_id", transaction))
            {
                count.AddInt64("@user_id", endpoint.UserId);
                if (Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) >= maxPerUser)
                {
                    return false;
                }
            }

            await using var insert = connection.CreateCommand().WithText(
                $"INSERT INTO webhook_endpoints ({EndpointColumns}) VALUES (@id, @user_id, @all_users, @url, @secret, @events, @description, @at)", transaction);
            insert.AddText("@id", endpoint.Id.ToString("D"));
            insert.AddInt64("@user_id", endpoint.UserId);
            insert.AddBoolean("@all_users", endpoint.AllUsers);
            insert.AddText("@url", endpoint.Url);
            insert.AddText("@secret", endpoint.Secret);
            insert.AddText("@events", StringListJson.Encode(endpoint.Events));
            insert.AddText("@description", endpoint.Description);
            insert.AddInt64("@at", endpoint.CreatedAtMs);
            await insert.ExecuteNonQueryAsync(ct);
            return true;
        }, cancellationToken);

    /// <summary>One user's endpoints, or every endpoint when <paramref name="userId"/> is null.</summary>
    public Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(long? userId, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<WebhookEndpoint>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                $"SELECT {EndpointColumns} FROM webhook_endpoints {(userId is null ? string.Empty : "WHERE user_id = @user_id")} ORDER BY created_at_ms, id");
            command.AddInt64("@user_id", userId);
            return await ReadEndpointsAsync(command, ct);
        }, cancellationToken);

    public Task<WebhookEndpoint?> GetEndpointAsync(Guid id, CancellationToken cancellationToken) =>
        db.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText($"SELECT {EndpointColumns} FROM webhook_endpoints WHERE id = @id");
            command.AddText("@id", id.ToString("D"));
            return (await ReadEndpointsAsync(command, ct)).FirstOrDefault();
        }, cancellationToken);

    /// <summary>Deletes the endpoint and its deliveries; false when there was none.</summary>
    public Task<bool> DeleteEndpointAsync(Guid id, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction, ct) =>
        {
            await using (var deliveries = connection.CreateCommand().WithText("DELETE FROM webhook_deliveries WHERE endpoint_id = @id", transaction))
            {
                deliveries.AddText("@id", id.ToString("D"));
                await deliveries.ExecuteNonQueryAsync(ct);
            }

            await using var command = connection.CreateCommand().WithText("DELETE FROM webhook_endpoints WHERE id = @id", transaction);
            command.AddText("@id", id.ToString("D"));
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }, cancellationToken);

    /// <summary>
    /// The endpoints that receive job events of any of <paramref name="userIds"/> (theirs, and those for all users), read
    /// inside a job transition's transaction (<see cref="WebhookOutbox"/>).
    /// </summary>
    public static async Task<IReadOnlyList<WebhookEndpoint>> EndpointsForUsersAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<long> userIds, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", userIds.Select((_, i) => "@u" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await using var command = connection.CreateCommand().WithText(
            $"SELECT {EndpointColumns} FROM webhook_endpoints WHERE all_users = @yes OR user_id IN ({names}) ORDER BY created_at_ms, id", transaction);
        command.AddBoolean("@yes", true);
        for (var i = 0; i < userIds.Count; i++)
        {
            command.AddInt64("@u" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), userIds[i]);
        }

        return await ReadEndpointsAsync(command, cancellationToken);
    }

    /// <summary>
    /// Adds deliveries to the outbox inside the caller's transaction; one that exists already (same endpoint, job and
    /// event: a job that ran twice after a lost worker) is left as it is.
    /// </summary>
    public static async Task InsertDeliveriesAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        foreach (var delivery in deliveries)
        {
            await using var insert = connection.CreateCommand().WithText(
                "INSERT INTO webhook_deliveries (id, endpoint_id, job_id, event, payload, created_at_ms, status, attempts, next_attempt_at_ms) " +
                "VALUES (@id, @endpoint_id, @job_id, @event, @payload, @at, 0, 0, @at) ON CONFLICT (endpoint_id, job_id, event) DO NOTHING",
                transaction);
            insert.AddText("@id", delivery.Id.ToString("D"));
            insert.AddText("@endpoint_id", delivery.EndpointId.ToString("D"));
            insert.AddText("@job_id", delivery.JobId.ToString("D"));
            insert.AddText("@event", delivery.Event);
            insert.AddBlob("@payload", delivery.Payload);
            insert.AddInt64("@at", delivery.CreatedAtMs);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Claims up to <paramref name="limit"/> due deliveries until <paramref name="leaseUntilMs"/>, oldest first.</summary>
    public Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(long nowMs, long leaseUntilMs, int limit, CancellationToken cancellationToken) =>
        db.WriteAsync<IReadOnlyList<WebhookDelivery>>(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "UPDATE webhook_deliveries SET lease_until_ms = @lease WHERE seq IN (" +
                "SELECT d.seq FROM webhook_deliveries d WHERE d.status = 0 AND d.next_attempt_at_ms <= @now " +
                "AND (d.lease_until_ms IS NULL OR d.lease_until_ms < @now) " +
                "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.endpoint_id = d.endpoint_id AND e.job_id = d.job_id AND e.status = 0 AND e.seq < d.seq) " +
                $"ORDER BY d.seq LIMIT @limit{(IsPostgres ? " FOR UPDATE SKIP LOCKED" : string.Empty)}) RETURNING {DeliveryColumns}",
                transaction);
            command.AddInt64("@now", nowMs);
            command.AddInt64("@lease", leaseUntilMs);
            command.AddInt32("@limit", limit);
            var claimed = await ReadDeliveriesAsync(command, ct);
            return [.. claimed.OrderBy(d => d.CreatedAtMs)];
        }, cancellationToken);

    /// <summary>Records an attempt: delivered, failed for good, or pending again at <paramref name="nextAttemptAtMs"/>; releases the lease.</summary>
    public Task RecordAttemptAsync(Guid id, DeliveryAttempt attempt, DeliveryStatus status, long atMs, long nextAttemptAtMs, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "UPDATE webhook_deliveries SET status = @status, attempts = attempts + 1, next_attempt_at_ms = @next, lease_until_ms = NULL, " +
                "last_attempt_at_ms = @at, last_status_code = @code, last_error = @error, response_excerpt = @excerpt WHERE id = @id",
                transaction);
            command.AddText("@id", id.ToString("D"));
            command.AddInt32("@status", (int)status);
            command.AddInt64("@next", nextAttemptAtMs);
            command.AddInt64("@at", atMs);
            command.AddInt32("@code", attempt.StatusCode);
            command.AddText("@error", attempt.Error);
            command.AddText("@excerpt", attempt.ResponseExcerpt);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>An endpoint's deliveries, newest first.</summary>
    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(Guid endpointId, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<WebhookDelivery>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE endpoint_id = @endpoint_id ORDER BY seq DESC LIMIT @limit");
            command.AddText("@endpoint_id", endpointId.ToString("D"));
            command.AddInt32("@limit", limit);
            return await ReadDeliveriesAsync(command, ct);
        }, cancellationToken);

    /// <summary>Puts a delivery back in the outbox, due now, with a fresh retry window; false when the endpoint has no such delivery.</summary>
    public Task<bool> RedeliverAsync(Guid endpointId, Guid deliveryId, long nowMs, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "UPDATE webhook_deliveries SET status = 0, next_attempt_at_ms = @now, created_at_ms = @now, lease_until_ms = NULL " +
                "WHERE id = @id AND endpoint_id = @endpoint_id", transaction);
            command.AddText("@id", deliveryId.ToString("D"));
            command.AddText("@endpoint_id", endpointId.ToString("D"));
            command.AddInt64("@now", nowMs);
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }, cancellationToken);

    private static async Task<IReadOnlyList<WebhookEndpoint>> ReadEndpointsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var endpoints = new List<WebhookEndpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            endpoints.Add(new WebhookEndpoint(
                Guid.Parse(reader.GetString(0)),
                reader.GetInt64(1),
                reader.GetBoolean(2),
                reader.GetString(3),
                reader.GetString(4),
                StringListJson.Decode(reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetInt64(7)));
        }

        return endpoints;
    }

    private static async Task<List<WebhookDelivery>> ReadDeliveriesAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var deliveries = new List<WebhookDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(new WebhookDelivery
            {
                Id = Guid.Parse(reader.GetString(0)),
                EndpointId = Guid.Parse(reader.GetString(1)),
                JobId = Guid.Parse(reader.GetString(2)),
                Event = reader.GetString(3),
                Payload = (byte[])reader.GetValue(4),
                CreatedAtMs = reader.GetInt64(5),
                Status = (DeliveryStatus)reader.GetInt32(6),
                Attempts = reader.GetInt32(7),
                NextAttemptAtMs = reader.GetInt64(8),
                LastAttemptAtMs = reader.IsDBNull(9) ? null : reader.GetInt64(9),
                LastStatusCode = reader.IsDBNull(10) ? null : reader.GetInt32(10),
                LastError = reader.IsDBNull(11) ? null : reader.GetString(11),
                ResponseExcerpt = reader.IsDBNull(12) ? null : reader.GetString(12),
            });
        }

        return deliveries;
    }
}
