using System.Data.Common;
using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>The names under which users see stored files (the <c>files</c> table); the bytes live content-addressed on disk.</summary>
internal sealed class RelationalFileIndex(IRelationalDatabase database) : IFileIndex
{
    private const string FileColumns = "user_id, job_id, type, subfolder, filename, sha256, size, content_type, created_at_ms";

    public Task AddFilesAsync(IReadOnlyList<StoredFile> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(async (connection, transaction, ct) =>
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
                database.Dialect.AddGuid(command, "@job_id", file.JobId);
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
        database.ReadAsync(async (connection, ct) =>
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
        database.ReadAsync<IReadOnlyList<StoredFile>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                $"SELECT {FileColumns} FROM files WHERE job_id = @job_id ORDER BY id");
            database.Dialect.AddGuid(command, "@job_id", jobId);
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
        JobId = database.Dialect.ReadNullableGuid(reader, 1),
        Type = reader.GetString(2),
        Subfolder = reader.GetString(3),
        Filename = reader.GetString(4),
        Sha256 = reader.GetString(5),
        Size = reader.GetInt64(6),
        ContentType = reader.GetString(7),
        CreatedAtMs = reader.GetInt64(8),
    };
}
