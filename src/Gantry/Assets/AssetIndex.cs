using System.Data.Common;
using Gantry.Store.Relational;

namespace Gantry.Assets;

/// <summary>
/// The asset records in the store (SQLite or PostgreSQL): create, read, change and delete one user's assets. Every
/// statement names the owner, so another user's asset is never read, changed or deleted (it is simply not found).
/// Listing and tag counts are in <see cref="AssetListing"/>.
/// </summary>
internal sealed class AssetIndex(IRelationalDatabase store)
{
    private SqlDialect Dialect => store.Dialect;

    /// <summary>
    /// Records the blob (once) and a new asset over it. With a client-chosen id the user already has, that asset comes
    /// back unchanged (<see cref="AssetCreation.CreatedNew"/> false).
    /// </summary>
    /// <exception cref="AssetIdTakenException">Another user's asset has the id.</exception>
    public Task<AssetCreation> InsertAsync(long userId, AssetDraft draft, AssetBlob blob, long nowMs, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, transaction, ct) =>
        {
            if (draft.Id is { } chosen && await FindByIdAsync(connection, transaction, chosen, ct) is { } existing)
            {
                return existing.Asset.UserId == userId ? new AssetCreation(existing.Asset, CreatedNew: false) : throw new AssetIdTakenException(chosen);
            }

            await using (var insertBlob = connection.CreateCommand().WithText("""
                INSERT INTO asset_blobs (sha256, blake3, size, created_at_ms) VALUES (@sha256, @blake3, @size, @now)
                ON CONFLICT (sha256) DO NOTHING
                """, transaction))
            {
                insertBlob.AddText("@sha256", blob.Sha256);
                insertBlob.AddText("@blake3", blob.Blake3);
                insertBlob.AddInt64("@size", blob.Size);
                insertBlob.AddInt64("@now", nowMs);
                await insertBlob.ExecuteNonQueryAsync(ct);
            }

            var id = draft.Id ?? Guid.CreateVersion7();
            long seq;
            await using (var insert = connection.CreateCommand().WithText("""
                INSERT INTO assets (id, user_id, sha256, name, name_folded, mime_type, size, user_metadata, preview_id, job_id,
                                    created_at_ms, updated_at_ms, last_access_ms, expires_at_ms)
                VALUES (@id, @user_id, @sha256, @name, @name_folded, @mime_type, @size, @user_metadata, @preview_id, @job_id,
                        @now, @now, @now, @expires_at_ms)
                RETURNING seq
                """, transaction))
            {
                Dialect.AddGuid(insert, "@id", id);
                insert.AddInt64("@user_id", userId);
                insert.AddText("@sha256", blob.Sha256);
                insert.AddText("@name", draft.Name);
                insert.AddText("@name_folded", draft.Name.ToLowerInvariant());
                insert.AddText("@mime_type", draft.MimeType);
                insert.AddInt64("@size", blob.Size);
                insert.AddText("@user_metadata", draft.UserMetadata);
                Dialect.AddGuid(insert, "@preview_id", draft.PreviewId);
                Dialect.AddGuid(insert, "@job_id", draft.JobId);
                insert.AddInt64("@now", nowMs);
                insert.AddInt64("@expires_at_ms", draft.ExpiresAtMs);
                seq = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            }

            await InsertTagsAsync(connection, transaction, seq, userId, draft.Tags, ct);
            await ReplaceMetadataAsync(connection, transaction, seq, draft.UserMetadata, ct);
            var created = await FindByIdAsync(connection, transaction, id, ct) ?? throw new InvalidOperationException("The new asset was not found.");
            return new AssetCreation(created.Asset, CreatedNew: true);
        }, cancellationToken);

    public Task<Asset?> GetAsync(long userId, Guid id, CancellationToken cancellationToken) =>
        store.ReadAsync(async (connection, ct) =>
            await FindByIdAsync(connection, null, id, ct) is { } found && found.Asset.UserId == userId ? found.Asset : null, cancellationToken);

    /// <summary>The user's newest asset over the content with this hash (and this name, when given), or null.</summary>
    public Task<Asset?> FindByHashAsync(long userId, AssetHash hash, string? name, CancellationToken cancellationToken) =>
        store.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                $"{AssetRows.Select} WHERE a.user_id = @user_id AND {HashColumn(hash)} = @hash {(name is null ? "" : "AND a.name = @name")} ORDER BY a.seq DESC LIMIT 1");
            command.AddInt64("@user_id", userId);
            command.AddText("@hash", hash.Hex);
            command.AddText("@name", name);
            return (await AssetRows.ReadOneAsync(command, Dialect, ct))?.Asset;
        }, cancellationToken);

    /// <summary>
    /// The blob with this hash when the user may mint an asset from it: they have an asset over it. A blob only other
    /// users have is not found, so a hash never tells a user what someone else stored.
    /// </summary>
    public Task<AssetBlob?> FindMintableBlobAsync(long userId, AssetHash hash, CancellationToken cancellationToken) =>
        store.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText($"""
                SELECT b.sha256, b.blake3, b.size FROM asset_blobs b
                WHERE {(hash.Kind == AssetHashKind.Blake3 ? "b.blake3" : "b.sha256")} = @hash
                  AND EXISTS (SELECT 1 FROM assets a WHERE a.sha256 = b.sha256 AND a.user_id = @user_id)
                """);
            command.AddText("@hash", hash.Hex);
            command.AddInt64("@user_id", userId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? new AssetBlob(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), IsNew: false) : null;
        }, cancellationToken);

    /// <summary>
    /// Deletes the user's asset. Returns whether it existed, and the blob's SHA-256 when no asset, upload or output
    /// refers to those bytes any more (the caller may then remove the blob).
    /// </summary>
    public Task<(bool Deleted, string? Unreferenced)> DeleteAsync(long userId, Guid id, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, transaction, ct) =>
        {
            if (await FindByIdAsync(connection, transaction, id, ct) is not { } found || found.Asset.UserId != userId)
            {
                return (false, (string?)null);
            }

            foreach (var sql in (string[])[
                "DELETE FROM asset_tags WHERE asset_seq = @seq", "DELETE FROM asset_metadata WHERE asset_seq = @seq", "DELETE FROM assets WHERE seq = @seq"])
            {
                await using var delete = connection.CreateCommand().WithText(sql, transaction);
                delete.AddInt64("@seq", found.Seq);
                await delete.ExecuteNonQueryAsync(ct);
            }

            var sha256 = found.Asset.Sha256;
            if (await ExistsAsync(connection, transaction, "SELECT 1 FROM assets WHERE sha256 = @sha256 LIMIT 1", sha256, ct))
            {
                return (true, null);
            }

            await using (var dropBlob = connection.CreateCommand().WithText("DELETE FROM asset_blobs WHERE sha256 = @sha256", transaction))
            {
                dropBlob.AddText("@sha256", sha256);
                await dropBlob.ExecuteNonQueryAsync(ct);
            }

            var inFiles = await ExistsAsync(connection, transaction, "SELECT 1 FROM files WHERE sha256 = @sha256 LIMIT 1", sha256, ct);
            return (true, inFiles ? null : sha256);
        }, cancellationToken);

    /// <summary>Applies the changes to the user's asset; null when the user has no such asset.</summary>
    public Task<Asset?> UpdateAsync(long userId, Guid id, AssetChanges changes, long nowMs, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, transaction, ct) =>
        {
            if (await FindByIdAsync(connection, transaction, id, ct) is not { } found || found.Asset.UserId != userId)
            {
                return null;
            }

            await using (var update = connection.CreateCommand().WithText("""
                UPDATE assets SET name = @name, name_folded = @name_folded, mime_type = @mime_type, user_metadata = @user_metadata,
                                  preview_id = @preview_id, updated_at_ms = @now
                WHERE seq = @seq
                """, transaction))
            {
                var name = changes.Name ?? found.Asset.Name;
                update.AddText("@name", name);
                update.AddText("@name_folded", name.ToLowerInvariant());
                update.AddText("@mime_type", changes.MimeType ?? found.Asset.MimeType);
                update.AddText("@user_metadata", changes.UserMetadata ?? found.Asset.UserMetadata);
                Dialect.AddGuid(update, "@preview_id", changes.PreviewId ?? found.Asset.PreviewId);
                update.AddInt64("@now", Math.Max(nowMs, found.Asset.UpdatedAtMs));
                update.AddInt64("@seq", found.Seq);
                await update.ExecuteNonQueryAsync(ct);
            }

            if (changes.Tags is { } tags)
            {
                await using (var clear = connection.CreateCommand().WithText("DELETE FROM asset_tags WHERE asset_seq = @seq", transaction))
                {
                    clear.AddInt64("@seq", found.Seq);
                    await clear.ExecuteNonQueryAsync(ct);
                }

                await InsertTagsAsync(connection, transaction, found.Seq, userId, tags, ct);
            }

            if (changes.UserMetadata is not null)
            {
                await ReplaceMetadataAsync(connection, transaction, found.Seq, changes.UserMetadata, ct);
            }

            return (await FindByIdAsync(connection, transaction, id, ct))?.Asset;
        }, cancellationToken);

    /// <summary>
    /// Adds (or removes) tags on the user's asset; null when the user has no such asset. Adding past
    /// <paramref name="maxTags"/> tags in all throws <see cref="TooManyTagsException"/>, nothing changed.
    /// </summary>
    public Task<AssetTagChange?> ChangeTagsAsync(
        long userId, Guid id, IReadOnlyList<string> tags, bool add, int maxTags, long nowMs, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, transaction, ct) =>
        {
            if (await FindByIdAsync(connection, transaction, id, ct) is not { } found || found.Asset.UserId != userId)
            {
                return null;
            }

            var current = new SortedSet<string>(found.Asset.Tags, StringComparer.Ordinal);
            var changed = tags.Where(tag => add ? !current.Contains(tag) : current.Contains(tag)).ToList();
            var unchanged = tags.Except(changed, StringComparer.Ordinal).ToList();
            if (add && current.Count + changed.Count > maxTags)
            {
                throw new TooManyTagsException(maxTags);
            }

            if (add)
            {
                await InsertTagsAsync(connection, transaction, found.Seq, userId, changed, ct);
            }
            else
            {
                foreach (var tag in changed)
                {
                    await using var remove = connection.CreateCommand().WithText("DELETE FROM asset_tags WHERE asset_seq = @seq AND tag = @tag", transaction);
                    remove.AddInt64("@seq", found.Seq);
                    remove.AddText("@tag", tag);
                    await remove.ExecuteNonQueryAsync(ct);
                }
            }

            var updatedAt = Math.Max(nowMs, found.Asset.UpdatedAtMs);
            if (changed.Count > 0)
            {
                await using var touch = connection.CreateCommand().WithText("UPDATE assets SET updated_at_ms = @now WHERE seq = @seq", transaction);
                touch.AddInt64("@now", updatedAt);
                touch.AddInt64("@seq", found.Seq);
                await touch.ExecuteNonQueryAsync(ct);
            }
            else
            {
                updatedAt = found.Asset.UpdatedAtMs;
            }

            if (add)
            {
                current.UnionWith(changed);
            }
            else
            {
                current.ExceptWith(changed);
            }

            return new AssetTagChange(changed, unchanged, [.. current], updatedAt);
        }, cancellationToken);

    /// <summary>Whether any asset, upload or output refers to the bytes with this SHA-256.</summary>
    public Task<bool> IsReferencedAsync(string sha256, CancellationToken cancellationToken) =>
        store.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "SELECT 1 WHERE EXISTS (SELECT 1 FROM assets WHERE sha256 = @sha256) OR EXISTS (SELECT 1 FROM files WHERE sha256 = @sha256)");
            command.AddText("@sha256", sha256);
            return await command.ExecuteScalarAsync(ct) is not null and not DBNull;
        }, cancellationToken);

    /// <summary>Records that the asset's content was read now.</summary>
    public Task TouchAsync(Guid id, long nowMs, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var touch = connection.CreateCommand().WithText("UPDATE assets SET last_access_ms = @now WHERE id = @id AND last_access_ms < @now", transaction);
            touch.AddInt64("@now", nowMs);
            Dialect.AddGuid(touch, "@id", id);
            return await touch.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    private static string HashColumn(AssetHash hash) => hash.Kind == AssetHashKind.Blake3 ? "b.blake3" : "a.sha256";

    private async Task<(long Seq, Asset Asset)?> FindByIdAsync(DbConnection connection, DbTransaction? transaction, Guid id, CancellationToken ct)
    {
        await using var command = connection.CreateCommand().WithText($"{AssetRows.Select} WHERE a.id = @id", transaction);
        Dialect.AddGuid(command, "@id", id);
        return await AssetRows.ReadOneAsync(command, Dialect, ct);
    }

    private static async Task<bool> ExistsAsync(DbConnection connection, DbTransaction transaction, string sql, string sha256, CancellationToken ct)
    {
        await using var command = connection.CreateCommand().WithText(sql, transaction);
        command.AddText("@sha256", sha256);
        return await command.ExecuteScalarAsync(ct) is not null and not DBNull;
    }

    private static async Task InsertTagsAsync(
        DbConnection connection, DbTransaction transaction, long seq, long userId, IReadOnlyList<string> tags, CancellationToken ct)
    {
        foreach (var tag in tags)
        {
            await using var insert = connection.CreateCommand().WithText(
                "INSERT INTO asset_tags (asset_seq, user_id, tag) VALUES (@seq, @user_id, @tag) ON CONFLICT DO NOTHING", transaction);
            insert.AddInt64("@seq", seq);
            insert.AddInt64("@user_id", userId);
            insert.AddText("@tag", tag);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task ReplaceMetadataAsync(DbConnection connection, DbTransaction transaction, long seq, string? json, CancellationToken ct)
    {
        await using (var clear = connection.CreateCommand().WithText("DELETE FROM asset_metadata WHERE asset_seq = @seq", transaction))
        {
            clear.AddInt64("@seq", seq);
            await clear.ExecuteNonQueryAsync(ct);
        }

        foreach (var (key, value) in AssetRules.MetadataKeys(json))
        {
            await using var insert = connection.CreateCommand().WithText(
                "INSERT INTO asset_metadata (asset_seq, key, value) VALUES (@seq, @key, @value)", transaction);
            insert.AddInt64("@seq", seq);
            insert.AddText("@key", key);
            insert.AddText("@value", value);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }
}

/// <summary>A client-chosen asset id that another user's asset already has.</summary>
public sealed class AssetIdTakenException(Guid id) : InvalidOperationException($"The asset id {id} is already in use.");

/// <summary>Adding the tags would put more than the allowed number on the asset; nothing was changed.</summary>
public sealed class TooManyTagsException(int max) : InvalidOperationException($"An asset may have at most {max} tags.");
