using System.Data.Common;
using Gantry.Store.Relational;

namespace Gantry.Store.Editor;

/// <summary>
/// <see cref="IEditorStateStore"/> on the SQLite or PostgreSQL store: tables <c>editor_settings</c> and
/// <c>editor_files</c> (schema step 4). A folder is a path prefix ending in '/': a range scan of the primary key
/// (byte order on both backends: SQLite's BINARY collation, PostgreSQL's <c>COLLATE "C"</c>).
/// </summary>
internal sealed class EditorStateStore(IRelationalDatabase store) : IEditorStateStore
{
    private const string EntryColumns = "path, size, modified_at_ms";

    public Task<IReadOnlyList<UserDataEntry>> ListFilesAsync(long userId, string folder, CancellationToken cancellationToken) =>
        store.ReadAsync<IReadOnlyList<UserDataEntry>>(async (connection, ct) =>
        {
            var range = folder.Length == 0 ? "" : " AND path >= @low AND path < @high";
            await using var command = connection.CreateCommand().WithText(
                $"SELECT {EntryColumns} FROM editor_files WHERE user_id = @user_id{range} ORDER BY path");
            command.AddInt64("@user_id", userId);
            if (folder.Length > 0)
            {
                AddFolderRange(command, folder);
            }

            var entries = new List<UserDataEntry>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                entries.Add(ReadEntry(reader));
            }

            return entries;
        }, cancellationToken);

    public Task<(UserDataEntry Entry, byte[] Content)?> ReadFileAsync(long userId, string path, CancellationToken cancellationToken) =>
        store.ReadAsync<(UserDataEntry, byte[])?>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                $"SELECT {EntryColumns}, content FROM editor_files WHERE user_id = @user_id AND path = @path");
            command.AddInt64("@user_id", userId);
            command.AddText("@path", path);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? (ReadEntry(reader), reader.GetFieldValue<byte[]>(3)) : null;
        }, cancellationToken);

    public Task<UserDataWriteResult> WriteFileAsync(
        long userId, string path, byte[] content, bool overwrite, long nowMs, UserDataQuota quota, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, transaction, ct) =>
        {
            await LockUserAsync(connection, transaction, userId, ct);
            var existing = await SizeOfAsync(connection, transaction, userId, path, ct);
            if (existing is not null && !overwrite)
            {
                return new UserDataWriteResult(UserDataWriteStatus.Exists, null);
            }

            if (existing is null && await ClashesAsync(connection, transaction, userId, path, ct))
            {
                return new UserDataWriteResult(UserDataWriteStatus.PathClash, null);
            }

            var (files, bytes) = await UsageAsync(connection, transaction, userId, ct);
            if (files + (existing is null ? 1 : 0) > quota.MaxFiles || bytes - (existing ?? 0) + content.Length > quota.MaxTotalBytes)
            {
                return new UserDataWriteResult(UserDataWriteStatus.OverQuota, null);
            }

            await using var upsert = connection.CreateCommand().WithText(
                "INSERT INTO editor_files (user_id, path, content, size, modified_at_ms) VALUES (@user_id, @path, @content, @size, @at) " +
                "ON CONFLICT (user_id, path) DO UPDATE SET content = excluded.content, size = excluded.size, modified_at_ms = excluded.modified_at_ms",
                transaction);
            upsert.AddInt64("@user_id", userId);
            upsert.AddText("@path", path);
            upsert.AddBlob("@content", content);
            upsert.AddInt64("@size", content.Length);
            upsert.AddInt64("@at", nowMs);
            await upsert.ExecuteNonQueryAsync(ct);
            return new UserDataWriteResult(UserDataWriteStatus.Written, new UserDataEntry(path, content.Length, nowMs));
        }, cancellationToken);

    public Task<bool> DeleteFileAsync(long userId, string path, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "DELETE FROM editor_files WHERE user_id = @user_id AND path = @path", transaction);
            command.AddInt64("@user_id", userId);
            command.AddText("@path", path);
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }, cancellationToken);

    public Task<UserDataWriteResult> MoveFileAsync(long userId, string source, string target, bool overwrite, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, transaction, ct) =>
        {
            await LockUserAsync(connection, transaction, userId, ct);
            await using (var read = connection.CreateCommand().WithText(
                $"SELECT {EntryColumns} FROM editor_files WHERE user_id = @user_id AND path = @path", transaction))
            {
                read.AddInt64("@user_id", userId);
                read.AddText("@path", source);
                await using var reader = await read.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct))
                {
                    return new UserDataWriteResult(UserDataWriteStatus.SourceMissing, null);
                }

                var entry = ReadEntry(reader);
                if (string.Equals(source, target, StringComparison.Ordinal))
                {
                    return new UserDataWriteResult(UserDataWriteStatus.Written, entry);
                }
            }

            var existing = await SizeOfAsync(connection, transaction, userId, target, ct);
            if (existing is not null && !overwrite)
            {
                return new UserDataWriteResult(UserDataWriteStatus.Exists, null);
            }

            if (existing is null && await ClashesAsync(connection, transaction, userId, target, ct, ignoring: source))
            {
                return new UserDataWriteResult(UserDataWriteStatus.PathClash, null);
            }

            await using (var drop = connection.CreateCommand().WithText(
                "DELETE FROM editor_files WHERE user_id = @user_id AND path = @path", transaction))
            {
                drop.AddInt64("@user_id", userId);
                drop.AddText("@path", target);
                await drop.ExecuteNonQueryAsync(ct);
            }

            await using var rename = connection.CreateCommand().WithText(
                $"UPDATE editor_files SET path = @target WHERE user_id = @user_id AND path = @source RETURNING {EntryColumns}", transaction);
            rename.AddInt64("@user_id", userId);
            rename.AddText("@source", source);
            rename.AddText("@target", target);
            await using var moved = await rename.ExecuteReaderAsync(ct);
            await moved.ReadAsync(ct);
            return new UserDataWriteResult(UserDataWriteStatus.Written, ReadEntry(moved));
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ListFileNamesAsync(long userId, string type, int limit, CancellationToken cancellationToken) =>
        store.ReadAsync<IReadOnlyList<string>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "SELECT subfolder, filename FROM files WHERE user_id = @user_id AND type = @type ORDER BY created_at_ms DESC, id DESC LIMIT @limit");
            command.AddInt64("@user_id", userId);
            command.AddText("@type", type);
            command.AddInt32("@limit", limit);
            var names = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var subfolder = reader.GetString(0);
                names.Add(subfolder.Length == 0 ? reader.GetString(1) : subfolder + "/" + reader.GetString(1));
            }

            return names;
        }, cancellationToken);

    public Task<IReadOnlyList<EditorSetting>> ReadSettingsAsync(long userId, CancellationToken cancellationToken) =>
        store.ReadAsync<IReadOnlyList<EditorSetting>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "SELECT setting_id, value FROM editor_settings WHERE user_id = @user_id ORDER BY setting_id");
            command.AddInt64("@user_id", userId);
            var settings = new List<EditorSetting>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                settings.Add(new EditorSetting(reader.GetString(0), reader.GetFieldValue<byte[]>(1)));
            }

            return settings;
        }, cancellationToken);

    public Task<byte[]?> ReadSettingAsync(long userId, string id, CancellationToken cancellationToken) =>
        store.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "SELECT value FROM editor_settings WHERE user_id = @user_id AND setting_id = @id");
            command.AddInt64("@user_id", userId);
            command.AddText("@id", id);
            return await command.ExecuteScalarAsync(ct) as byte[];
        }, cancellationToken);

    public Task<bool> WriteSettingsAsync(
        long userId, IReadOnlyList<EditorSetting> settings, int maxSettings, long maxTotalBytes, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, transaction, ct) =>
        {
            await LockUserAsync(connection, transaction, userId, ct);
            var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var read = connection.CreateCommand().WithText(
                "SELECT setting_id, length(value) FROM editor_settings WHERE user_id = @user_id", transaction))
            {
                read.AddInt64("@user_id", userId);
                await using var reader = await read.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    sizes[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            foreach (var setting in settings)
            {
                sizes[setting.Id] = setting.Value.Length;
            }

            if (sizes.Count > maxSettings || sizes.Values.Sum() > maxTotalBytes)
            {
                return false;
            }

            foreach (var setting in settings)
            {
                await using var upsert = connection.CreateCommand().WithText(
                    "INSERT INTO editor_settings (user_id, setting_id, value) VALUES (@user_id, @id, @value) " +
                    "ON CONFLICT (user_id, setting_id) DO UPDATE SET value = excluded.value", transaction);
                upsert.AddInt64("@user_id", userId);
                upsert.AddText("@id", setting.Id);
                upsert.AddBlob("@value", setting.Value);
                await upsert.ExecuteNonQueryAsync(ct);
            }

            return true;
        }, cancellationToken);

    private static UserDataEntry ReadEntry(DbDataReader reader) => new(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));

    /// <summary>The rows whose path starts with <paramref name="folder"/> (which ends in '/'): [folder, folder with '/' raised to '0').</summary>
    private static void AddFolderRange(DbCommand command, string folder)
    {
        command.AddText("@low", folder);
        command.AddText("@high", string.Concat(folder.AsSpan(0, folder.Length - 1), "0"));
    }

    private async Task LockUserAsync(DbConnection connection, DbTransaction transaction, long userId, CancellationToken ct)
    {
        if (store.Dialect.LockUserSql is { } sql)
        {
            await using var command = connection.CreateCommand().WithText(sql, transaction);
            command.AddInt64("@user_id", userId);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task<long?> SizeOfAsync(DbConnection connection, DbTransaction transaction, long userId, string path, CancellationToken ct)
    {
        await using var command = connection.CreateCommand().WithText(
            "SELECT size FROM editor_files WHERE user_id = @user_id AND path = @path", transaction);
        command.AddInt64("@user_id", userId);
        command.AddText("@path", path);
        return await command.ExecuteScalarAsync(ct) is { } size and not DBNull ? Convert.ToInt64(size, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// Whether a new file at <paramref name="path"/> would break the tree: one of its parents is a file, or files live
    /// under it as a folder (<paramref name="ignoring"/> is a file about to move away).
    /// </summary>
    private static async Task<bool> ClashesAsync(
        DbConnection connection, DbTransaction transaction, long userId, string path, CancellationToken ct, string? ignoring = null)
    {
        var parents = new List<string>();
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            parents.Add(path[..slash]);
        }

        var names = string.Join(", ", parents.Select((_, i) => $"@p{i}"));
        var parentClause = parents.Count == 0 ? "" : $" OR path IN ({names})";
        await using var command = connection.CreateCommand().WithText(
            $"SELECT COUNT(*) FROM editor_files WHERE user_id = @user_id AND path <> @ignoring AND ((path >= @low AND path < @high){parentClause})",
            transaction);
        command.AddInt64("@user_id", userId);
        command.AddText("@ignoring", ignoring ?? "");
        AddFolderRange(command, path + "/");
        for (var i = 0; i < parents.Count; i++)
        {
            command.AddText($"@p{i}", parents[i]);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<(long Files, long Bytes)> UsageAsync(DbConnection connection, DbTransaction transaction, long userId, CancellationToken ct)
    {
        await using var command = connection.CreateCommand().WithText(
            "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM editor_files WHERE user_id = @user_id", transaction);
        command.AddInt64("@user_id", userId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
    }
}
