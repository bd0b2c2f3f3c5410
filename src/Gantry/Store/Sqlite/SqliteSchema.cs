using Gantry.Store.Relational;
using Gantry.Store.V2;

namespace Gantry.Store.Sqlite;

/// <summary>
/// The SQLite schema as an ordered list of migration steps. A released step never changes; a change is a new step.
/// </summary>
/// <remarks>
/// <para><c>jobs.seq</c> is the rowid (AUTOINCREMENT: never reused, even after the newest job is deleted), so
/// rows sit in submission order and every secondary index ends in <c>seq</c> for free.</para>
/// <para>Indexes for <c>GET /api/jobs</c> (all start with <c>user_id</c>, so a query walks one user's slice):
/// <c>ix_jobs_user_seq</c> serves the default sort (create time), <c>ix_jobs_user_duration</c> serves
/// <c>sort_by=execution_time</c>; both carry <c>state</c> and <c>output_types</c> so the filters, the total and
/// the walk to a deep offset never touch the table (only the page's rows are read, see <c>JobListSql</c>).
/// <c>ix_jobs_user_state_seq</c> serves filters on active states and the scheduler's counts;
/// <c>ix_jobs_user_workflow</c> the workflow filter. <c>ix_jobs_active</c> is a partial index of the
/// non-terminal jobs in submission order: the scheduler's reload.</para>
/// </remarks>
internal static class SqliteSchema
{
    public const string CreateVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)";

    public static readonly IReadOnlyList<MigrationStep> Steps =
    [
        new(1, "users, api keys, jobs, payloads, results, workers, files", """
            CREATE TABLE users (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                is_admin INTEGER NOT NULL,
                created_at_ms INTEGER NOT NULL,
                weight REAL,
                max_running INTEGER,
                max_queued INTEGER
            );

            CREATE TABLE api_keys (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id INTEGER NOT NULL REFERENCES users (id),
                key_hash BLOB NOT NULL UNIQUE,
                prefix TEXT NOT NULL,
                name TEXT,
                created_at_ms INTEGER NOT NULL,
                revoked_at_ms INTEGER
            );
            CREATE INDEX ix_api_keys_user ON api_keys (user_id);

            CREATE TABLE jobs (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
                user_id INTEGER NOT NULL REFERENCES users (id),
                state INTEGER NOT NULL,
                created_at_ms INTEGER NOT NULL,
                updated_at_ms INTEGER NOT NULL,
                state_changed_at_ms INTEGER NOT NULL,
                workflow_id TEXT,
                client_id TEXT,
                number REAL,
                worker TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                execution_start_ms INTEGER,
                execution_end_ms INTEGER,
                execution_duration_ms INTEGER NOT NULL DEFAULT 0,
                error_message TEXT,
                execution_error BLOB,
                outputs_count INTEGER,
                preview_output BLOB,
                output_types INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX ix_jobs_user_seq ON jobs (user_id, seq, state, output_types);
            CREATE INDEX ix_jobs_user_state_seq ON jobs (user_id, state, seq);
            CREATE INDEX ix_jobs_user_duration ON jobs (user_id, execution_duration_ms, seq, state, output_types);
            CREATE INDEX ix_jobs_user_workflow ON jobs (user_id, workflow_id, seq) WHERE workflow_id IS NOT NULL;
            CREATE INDEX ix_jobs_active ON jobs (seq) WHERE state IN (0, 1, 2, 3);

            CREATE TABLE job_payloads (
                job_seq INTEGER PRIMARY KEY REFERENCES jobs (seq) ON DELETE CASCADE,
                prompt BLOB NOT NULL,
                extra_data BLOB,
                outputs_to_execute TEXT NOT NULL
            );

            CREATE TABLE job_results (
                job_seq INTEGER PRIMARY KEY REFERENCES jobs (seq) ON DELETE CASCADE,
                outputs BLOB,
                status BLOB,
                meta BLOB
            );

            CREATE TABLE workers (
                name TEXT PRIMARY KEY,
                url TEXT NOT NULL,
                auth_header TEXT,
                draining INTEGER NOT NULL,
                created_at_ms INTEGER NOT NULL
            );

            CREATE TABLE files (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id INTEGER NOT NULL REFERENCES users (id),
                job_id BLOB,
                type TEXT NOT NULL,
                subfolder TEXT NOT NULL,
                filename TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                size INTEGER NOT NULL,
                content_type TEXT NOT NULL,
                created_at_ms INTEGER NOT NULL,
                UNIQUE (user_id, type, subfolder, filename)
            );
            CREATE INDEX ix_files_job ON files (job_id) WHERE job_id IS NOT NULL;
            """),
        new(2, "job requirements computed at submit", """
            ALTER TABLE job_payloads ADD COLUMN requirements TEXT;
            """),
        new(3, "browser sign-in sessions", """
            CREATE TABLE sessions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                token_hash BLOB NOT NULL UNIQUE,
                user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                key_id INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL,
                created_at_ms INTEGER NOT NULL,
                last_seen_at_ms INTEGER NOT NULL,
                expires_at_ms INTEGER NOT NULL
            );
            CREATE INDEX ix_sessions_key ON sessions (key_id);
            """),
        new(4, "the editor's per-user settings and files", """
            CREATE TABLE editor_settings (
                user_id INTEGER NOT NULL REFERENCES users (id),
                setting_id TEXT NOT NULL,
                value BLOB NOT NULL,
                PRIMARY KEY (user_id, setting_id)
            ) WITHOUT ROWID;

            CREATE TABLE editor_files (
                user_id INTEGER NOT NULL REFERENCES users (id),
                path TEXT NOT NULL,
                content BLOB NOT NULL,
                size INTEGER NOT NULL,
                modified_at_ms INTEGER NOT NULL,
                PRIMARY KEY (user_id, path)
            );
            """),
        new(5, "assets: blobs by hash, per-user asset records, tags, metadata keys", Gantry.Assets.AssetSchema.Sqlite),
        new(V2Schema.Version, V2Schema.Name, V2Schema.Sqlite),
        new(Leadership.LeadershipSchema.Version, Leadership.LeadershipSchema.Name, Leadership.LeadershipSchema.Sqlite),
        new(DispatchTimeSchema.Version, DispatchTimeSchema.Name, DispatchTimeSchema.Sqlite),
    ];
}
