namespace Gantry.Store.V2;

/// <summary>
/// The v2 API's tables (issue 16's migration step): idempotency keys, webhook endpoints and the webhook delivery outbox.
/// Kept beside the feature stores that use them; <c>SqliteSchema</c> and <c>PostgresSchema</c> list the step.
/// </summary>
/// <remarks>
/// Ids of endpoints and deliveries are canonical UUID text in both databases, so the feature stores need no dialect.
/// <c>idempotency_keys</c> is written in the transaction that inserts the job (see <see cref="IdempotencyKeySql"/>), so
/// a key exists exactly when its job does. A delivery row is the outbox: it is created when the event happens and
/// claimed with a lease by one sender at a time (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL).
/// </remarks>
internal static class V2Schema
{
    /// <summary>The step number (issue 16 owns step 6).</summary>
    public const int Version = 6;

    public const string Name = "v2 idempotency keys, webhook endpoints, webhook delivery outbox";

    public const string Sqlite = """
        CREATE TABLE idempotency_keys (
            user_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            job_id TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL,
            PRIMARY KEY (user_id, key)
        );
        CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at_ms);

        CREATE TABLE webhook_endpoints (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id),
            all_users INTEGER NOT NULL,
            url TEXT NOT NULL,
            secret TEXT NOT NULL,
            events TEXT NOT NULL,
            description TEXT,
            created_at_ms INTEGER NOT NULL
        );
        CREATE INDEX ix_webhook_endpoints_user ON webhook_endpoints (user_id);

        CREATE TABLE webhook_deliveries (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
            job_id TEXT NOT NULL,
            event TEXT NOT NULL,
            payload BLOB NOT NULL,
            created_at_ms INTEGER NOT NULL,
            status INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at_ms INTEGER NOT NULL,
            lease_until_ms INTEGER,
            last_attempt_at_ms INTEGER,
            last_status_code INTEGER,
            last_error TEXT,
            response_excerpt TEXT,
            UNIQUE (endpoint_id, job_id, event)
        );
        CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at_ms);
        CREATE INDEX ix_webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq);
        """;

    public const string Postgres = """
        CREATE TABLE idempotency_keys (
            user_id bigint NOT NULL,
            key text NOT NULL,
            job_id text NOT NULL,
            created_at_ms bigint NOT NULL,
            PRIMARY KEY (user_id, key)
        );
        CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at_ms);

        CREATE TABLE webhook_endpoints (
            id text PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id),
            all_users boolean NOT NULL,
            url text NOT NULL,
            secret text NOT NULL,
            events text NOT NULL,
            description text,
            created_at_ms bigint NOT NULL
        );
        CREATE INDEX ix_webhook_endpoints_user ON webhook_endpoints (user_id);

        CREATE TABLE webhook_deliveries (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text NOT NULL UNIQUE,
            endpoint_id text NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
            job_id text NOT NULL,
            event text NOT NULL,
            payload bytea NOT NULL,
            created_at_ms bigint NOT NULL,
            status integer NOT NULL,
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at_ms bigint NOT NULL,
            lease_until_ms bigint,
            last_attempt_at_ms bigint,
            last_status_code integer,
            last_error text,
            response_excerpt text,
            UNIQUE (endpoint_id, job_id, event)
        );
        CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at_ms);
        CREATE INDEX ix_webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq);
        """;
}
