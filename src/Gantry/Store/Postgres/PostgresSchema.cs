using Gantry.Store.Relational;
using Gantry.Store.V2;

namespace Gantry.Store.Postgres;

/// <summary>
/// The PostgreSQL schema as an ordered list of migration steps; the same tables and indexes as
/// <c>SqliteSchema</c> (see there for which index serves which query). JSON travels as <c>bytea</c>, never
/// <c>jsonb</c>, so the bytes a client sent come back unchanged.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The advisory lock taken while migrating, so Gantry instances starting together migrate one at a time.</summary>
    public const long MigrationLockKey = 0x47_61_6E_74_72_79_01; // "Gantry" + 1

    public const string CreateVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at_ms bigint NOT NULL)";

    public static readonly IReadOnlyList<MigrationStep> Steps =
    [
        new(1, "users, api keys, jobs, payloads, results, workers, files", """
            CREATE TABLE users (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name text NOT NULL UNIQUE,
                is_admin boolean NOT NULL,
                created_at_ms bigint NOT NULL,
                weight double precision,
                max_running integer,
                max_queued integer
            );

            CREATE TABLE api_keys (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id bigint NOT NULL REFERENCES users (id),
                key_hash bytea NOT NULL UNIQUE,
                prefix text NOT NULL,
                name text,
                created_at_ms bigint NOT NULL,
                revoked_at_ms bigint
            );
            CREATE INDEX ix_api_keys_user ON api_keys (user_id);

            CREATE TABLE jobs (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id uuid NOT NULL UNIQUE,
                user_id bigint NOT NULL REFERENCES users (id),
                state integer NOT NULL,
                created_at_ms bigint NOT NULL,
                updated_at_ms bigint NOT NULL,
                state_changed_at_ms bigint NOT NULL,
                workflow_id text,
                client_id text,
                number double precision,
                worker text,
                attempts integer NOT NULL DEFAULT 0,
                execution_start_ms bigint,
                execution_end_ms bigint,
                execution_duration_ms bigint NOT NULL DEFAULT 0,
                error_message text,
                execution_error bytea,
                outputs_count integer,
                preview_output bytea,
                output_types integer NOT NULL DEFAULT 0
            );
            CREATE INDEX ix_jobs_user_seq ON jobs (user_id, seq) INCLUDE (state, output_types);
            CREATE INDEX ix_jobs_user_state_seq ON jobs (user_id, state, seq);
            CREATE INDEX ix_jobs_user_duration ON jobs (user_id, execution_duration_ms, seq) INCLUDE (state, output_types);
            CREATE INDEX ix_jobs_user_workflow ON jobs (user_id, workflow_id, seq) WHERE workflow_id IS NOT NULL;
            CREATE INDEX ix_jobs_active ON jobs (seq) WHERE state IN (0, 1, 2, 3);

            CREATE TABLE job_payloads (
                job_seq bigint PRIMARY KEY REFERENCES jobs (seq) ON DELETE CASCADE,
                prompt bytea NOT NULL,
                extra_data bytea,
                outputs_to_execute text NOT NULL
            );

            CREATE TABLE job_results (
                job_seq bigint PRIMARY KEY REFERENCES jobs (seq) ON DELETE CASCADE,
                outputs bytea,
                status bytea,
                meta bytea
            );

            CREATE TABLE workers (
                name text PRIMARY KEY,
                url text NOT NULL,
                auth_header text,
                draining boolean NOT NULL,
                created_at_ms bigint NOT NULL
            );

            CREATE TABLE files (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id bigint NOT NULL REFERENCES users (id),
                job_id uuid,
                type text NOT NULL,
                subfolder text NOT NULL,
                filename text NOT NULL,
                sha256 text NOT NULL,
                size bigint NOT NULL,
                content_type text NOT NULL,
                created_at_ms bigint NOT NULL,
                UNIQUE (user_id, type, subfolder, filename)
            );
            CREATE INDEX ix_files_job ON files (job_id) WHERE job_id IS NOT NULL;
            """),
        new(2, "job requirements computed at submit", """
            ALTER TABLE job_payloads ADD COLUMN requirements text;
            """),
        new(3, "browser sign-in sessions", """
            CREATE TABLE sessions (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                token_hash bytea NOT NULL UNIQUE,
                user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                key_id bigint NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
                csrf_token text NOT NULL,
                created_at_ms bigint NOT NULL,
                last_seen_at_ms bigint NOT NULL,
                expires_at_ms bigint NOT NULL
            );
            CREATE INDEX ix_sessions_key ON sessions (key_id);
            """),
        new(4, "the editor's per-user settings and files", """
            CREATE TABLE editor_settings (
                user_id bigint NOT NULL REFERENCES users (id),
                setting_id text COLLATE "C" NOT NULL,
                value bytea NOT NULL,
                PRIMARY KEY (user_id, setting_id)
            );

            CREATE TABLE editor_files (
                user_id bigint NOT NULL REFERENCES users (id),
                path text COLLATE "C" NOT NULL,
                content bytea NOT NULL,
                size bigint NOT NULL,
                modified_at_ms bigint NOT NULL,
                PRIMARY KEY (user_id, path)
            );
            """),
        new(5, "assets: blobs by hash, per-user asset records, tags, metadata keys", Gantry.Assets.AssetSchema.Postgres),
        new(V2Schema.Version, V2Schema.Name, V2Schema.Postgres),
        new(Leadership.LeadershipSchema.Version, Leadership.LeadershipSchema.Name, Leadership.LeadershipSchema.Postgres),
        new(Relational.DispatchTimeSchema.Version, Relational.DispatchTimeSchema.Name, Relational.DispatchTimeSchema.Postgres),
    ];
}
