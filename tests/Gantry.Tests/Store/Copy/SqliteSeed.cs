using Microsoft.Data.Sqlite;

namespace Gantry.Tests.Store.Copy;

/// <summary>
/// Puts rows in every table of a SQLite store with plain SQL, including NULLs, blobs, booleans and ids, so a copy
/// has something of each kind to carry. A table added to the schema must be added here too: the copy test checks
/// that every copied table had rows.
/// </summary>
internal static class SqliteSeed
{
    public static async Task<IReadOnlyList<Guid>> FillAsync(string databasePath, int jobs)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await ExecuteAsync(connection, transaction, """
            INSERT INTO users (id, name, is_admin, created_at_ms, weight, max_running, max_queued) VALUES
                (1, 'alice', 1, 1000, 2.5, NULL, 7), (2, 'bob', 0, 1001, NULL, 3, NULL);
            INSERT INTO api_keys (id, user_id, key_hash, prefix, name, created_at_ms, revoked_at_ms) VALUES
                (1, 1, randomblob(32), 'gk_alice', 'laptop', 1000, NULL), (2, 2, randomblob(32), 'gk_bob', NULL, 1001, 2000);
            INSERT INTO workers (name, url, auth_header, draining, created_at_ms) VALUES
                ('gpu-1', 'http://127.0.0.1:8188', NULL, 0, 1000), ('gpu-2', 'http://127.0.0.1:8189', 'Bearer x', 1, 1001);
            INSERT INTO sessions (token_hash, user_id, key_id, csrf_token, created_at_ms, last_seen_at_ms, expires_at_ms) VALUES
                (randomblob(32), 1, 1, 'csrf-1', 1000, 1500, 99000);
            INSERT INTO editor_settings (user_id, setting_id, value) VALUES (1, 'Comfy.Theme', CAST('"dark"' AS BLOB)), (2, 'Comfy.Locale', CAST('"en"' AS BLOB));
            INSERT INTO editor_files (user_id, path, content, size, modified_at_ms) VALUES (1, 'workflows/a.json', CAST('{}' AS BLOB), 2, 1000);
            INSERT INTO asset_blobs (sha256, blake3, size, created_at_ms) VALUES ('aa11', 'bb22', 10, 1000);
            INSERT INTO assets (id, user_id, sha256, name, name_folded, mime_type, size, user_metadata, preview_id, job_id,
                                created_at_ms, updated_at_ms, last_access_ms, expires_at_ms) VALUES
                (randomblob(16), 1, 'aa11', 'Cat.PNG', 'cat.png', 'image/png', 10, '{"k":1}', NULL, NULL, 1000, 1000, 1000, NULL);
            INSERT INTO asset_tags (asset_seq, user_id, tag) VALUES (1, 1, 'input'), (1, 1, 'cats');
            INSERT INTO asset_metadata (asset_seq, key, value) VALUES (1, 'k', '1');
            INSERT INTO idempotency_keys (user_id, key, job_id, created_at_ms) VALUES (1, 'retry-1', '0b7e5d0c-56a4-4c0f-9a55-3c2b7c1e9a10', 1000);
            INSERT INTO webhook_endpoints (id, user_id, all_users, url, secret, events, description, created_at_ms) VALUES
                ('5f1d2c3b-0000-4000-8000-000000000001', 1, 0, 'https://hooks.example/a', 'whsec_x', '["job.succeeded"]', NULL, 1000);
            INSERT INTO webhook_deliveries (id, endpoint_id, job_id, event, payload, created_at_ms, status, attempts, next_attempt_at_ms,
                                            lease_until_ms, last_attempt_at_ms, last_status_code, last_error, response_excerpt) VALUES
                ('6a1d2c3b-0000-4000-8000-000000000002', '5f1d2c3b-0000-4000-8000-000000000001', '0b7e5d0c-56a4-4c0f-9a55-3c2b7c1e9a10',
                 'job.succeeded', CAST('{"a":1}' AS BLOB), 1000, 1, 2, 3000, NULL, 2000, 500, 'boom', 'oops');
            """);

        var ids = new List<Guid>();
        for (var i = 0; i < jobs; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            await using var job = connection.CreateCommand();
            job.Transaction = transaction;
            job.CommandText = """
                INSERT INTO jobs (id, user_id, state, created_at_ms, updated_at_ms, state_changed_at_ms, workflow_id, client_id, number,
                                  worker, attempts, execution_start_ms, execution_end_ms, execution_duration_ms, error_message,
                                  execution_error, outputs_count, preview_output, output_types)
                VALUES (@id, @user, @state, 2000 + @i, 2100 + @i, 2100 + @i, @workflow, 'client-1', @i * 1.5,
                        'gpu-1', 1, 2050 + @i, 2090 + @i, 40, NULL, NULL, @outputs, CAST('{"filename":"x.png"}' AS BLOB), 1);
                INSERT INTO job_payloads (job_seq, prompt, extra_data, outputs_to_execute, requirements)
                VALUES (last_insert_rowid(), CAST('{"9":{"class_type":"SaveImage","inputs":{}}}' AS BLOB), NULL, '["9"]', '{"classes":["SaveImage"],"models":[]}');
                INSERT INTO job_results (job_seq, outputs, status, meta)
                VALUES ((SELECT seq FROM jobs WHERE id = @id), CAST('{"9":{"images":[]}}' AS BLOB), NULL, NULL);
                INSERT INTO files (user_id, job_id, type, subfolder, filename, sha256, size, content_type, created_at_ms)
                VALUES (@user, @id, 'output', '', 'img_' || @i || '.png', 'aa11', 10, 'image/png', 2100 + @i);
                """;
            job.Parameters.AddWithValue("@id", id.ToByteArray(bigEndian: true));
            job.Parameters.AddWithValue("@user", 1 + (i % 2));
            job.Parameters.AddWithValue("@state", 4);
            job.Parameters.AddWithValue("@i", i);
            job.Parameters.AddWithValue("@workflow", i % 3 == 0 ? DBNull.Value : "wf-" + i);
            job.Parameters.AddWithValue("@outputs", i % 2 == 0 ? DBNull.Value : 1);
            await job.ExecuteNonQueryAsync();
        }

        // A deleted newest job: AUTOINCREMENT never hands its seq out again, so PostgreSQL must not either.
        await ExecuteAsync(connection, transaction, "INSERT INTO jobs (id, user_id, state, created_at_ms, updated_at_ms, state_changed_at_ms) VALUES (randomblob(16), 1, 0, 1, 1, 1); DELETE FROM jobs WHERE seq = (SELECT MAX(seq) FROM jobs);");
        await transaction.CommitAsync();
        return ids;
    }

    /// <summary>The tables of the SQLite schema (SQLite's own excluded).</summary>
    public static async Task<IReadOnlyList<string>> TablesAsync(string databasePath)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
