using System.Data.Common;
using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>The worker registry and the file index: small tables, plain statements.</summary>
public abstract partial class RelationalGantryStore
{
    private const string FileColumns = "user_id, job_id, type, subfolder, filename, sha256, size, content_type, created_at_ms";

    public Task SaveWorkerAsync(WorkerRegistration worker, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "INSERT INTO workers (name, url, auth_header, draining, created_at_ms) " +
                "VALUES (@name, @url, @auth_header, @draining, @at) ON CONFLICT (name) DO UPDATE SET " +
                "url = excluded.url, auth_header = excluded.auth_header, draining = excluded.draining, created_at_ms = excluded.created_at_ms",
                transaction);
            command.AddText("@name", worker.Name);
            command.AddText("@url", worker.Url);
            command.AddText("@auth_header", worker.AuthHeader);
            command.AddBoolean("@draining", worker.Draining);
            command.AddInt64("@at", worker.CreatedAtMs);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<IReadOnlyList<WorkerRegistration>> ListWorkersAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<WorkerRegistration>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "SELECT name, url, auth_header, draining, created_at_ms FROM workers ORDER BY name");
            var workers = new List<WorkerRegistration>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                workers.Add(new WorkerRegistration
                {
                    Name = reader.GetString(0),
                    Url = reader.GetString(1),
                    AuthHeader = reader.GetNullableString(2),
                    Draining = reader.GetBoolean(3),
                    CreatedAtMs = reader.GetInt64(4),
                });
            }

            return workers;
        }, cancellationToken);

    public Task<bool> RemoveWorkerAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText("DELETE FROM workers WHERE name = @name", transaction);
            command.AddText("@name", name);
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }, cancellationToken);

    public Task AddFilesAsync(IReadOnlyList<StoredFile> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return Task.CompletedTask;
        }

        return WriteAsync(async (connection, transaction, ct) =>
        {
            foreach (var file in files)
            {
                await using var command = connection.CreateCommand().WithText(
                    $"INSERT INTO files ({FileColumns}) VALUES " +
                    "(@user_id, @job_id, @type, @subfolder, @filename, @sha256, @size, @content_type, @at) " +
                    "ON CONFLICT (user_id, type, subfolder, filename) DO UPDATE SET job_id = excluded.job_id, " +
                    "sha256 = excluded.sha256, size = excluded.size, content_type = excluded.content_type, created_at_ms = excluded.created_at_ms",
                    transaction);
                command.AddInt64("@user_id", file.UserId);
                Dialect.AddGuid(command, "@job_id", file.JobId);
                command.AddText("@type", file.Type);
                command.AddText("@subfolder", file.Subfolder);
                command.AddText("@filename", file.Filename);
                command.AddText("@sha256", file.Sha256);
                command.AddInt64("@size", file.Size);
                command.AddText("@content_type", file.ContentType);
                command.AddInt64("@at", file.CreatedAtMs);
                await command.ExecuteNonQueryAsync(ct);
            }

            return files.Count;
        }, cancellationToken);
    }

    public Task<StoredFile?> FindFileAsync(long userId, string type, string subfolder, string filename, CancellationToken cancellationToken) =>
        ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                $"SELECT {FileColumns} FROM files WHERE user_id = @user_id AND type = @type AND subfolder = @subfolder AND filename = @filename");
            command.AddInt64("@user_id", userId);
            command.AddText("@type", type);
            command.AddText("@subfolder", subfolder);
            command.AddText("@filename", filename);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadFile(reader) : null;
        }, cancellationToken);

    public Task<IReadOnlyList<StoredFile>> ListJobFilesAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StoredFile>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                $"SELECT {FileColumns} FROM files WHERE job_id = @job_id ORDER BY id");
            Dialect.AddGuid(command, "@job_id", jobId);
            var files = new List<StoredFile>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                files.Add(ReadFile(reader));
            }

            return files;
        }, cancellationToken);

    private StoredFile ReadFile(DbDataReader reader) => new()
    {
        UserId = reader.GetInt64(0),
        JobId = Dialect.ReadNullableGuid(reader, 1),
        Type = reader.GetString(2),
        Subfolder = reader.GetString(3),
        Filename = reader.GetString(4),
        Sha256 = reader.GetString(5),
        Size = reader.GetInt64(6),
        ContentType = reader.GetString(7),
        CreatedAtMs = reader.GetInt64(8),
    };
}
