using System.Data.Common;
using Gantry.Store.Relational;

namespace Gantry.Assets;

/// <summary>The asset row's columns, in the order <see cref="Read"/> reads them, and the tags query that completes a row.</summary>
internal static class AssetRows
{
    public const string Select = """
        SELECT a.seq, a.id, a.user_id, a.sha256, b.blake3, a.name, a.mime_type, a.size, a.user_metadata, a.preview_id, a.job_id,
               a.created_at_ms, a.updated_at_ms, a.last_access_ms, a.expires_at_ms
        FROM assets a JOIN asset_blobs b ON b.sha256 = a.sha256
        """;

    public static (long Seq, Asset Asset) Read(DbDataReader reader, SqlDialect dialect) => (reader.GetInt64(0), new Asset
    {
        Id = dialect.ReadGuid(reader, 1),
        UserId = reader.GetInt64(2),
        Sha256 = reader.GetString(3),
        Blake3 = reader.GetString(4),
        Name = reader.GetString(5),
        MimeType = reader.GetNullableString(6),
        Size = reader.GetInt64(7),
        Tags = [],
        UserMetadata = reader.GetNullableString(8),
        PreviewId = dialect.ReadNullableGuid(reader, 9),
        JobId = dialect.ReadNullableGuid(reader, 10),
        CreatedAtMs = reader.GetInt64(11),
        UpdatedAtMs = reader.GetInt64(12),
        LastAccessMs = reader.GetInt64(13),
        ExpiresAtMs = reader.GetNullableInt64(14),
    });

    /// <summary>The rows with their tags filled in (one query for all of them), in the rows' order.</summary>
    public static async Task<IReadOnlyList<Asset>> WithTagsAsync(
        DbConnection connection, DbTransaction? transaction, IReadOnlyList<(long Seq, Asset Asset)> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var tags = rows.ToDictionary(row => row.Seq, _ => new List<string>());
        await using (var command = connection.CreateCommand().WithText("", transaction))
        {
            var names = new List<string>();
            for (var i = 0; i < rows.Count; i++)
            {
                names.Add($"@s{i}");
                command.AddInt64($"@s{i}", rows[i].Seq);
            }

            command.CommandText = $"SELECT asset_seq, tag FROM asset_tags WHERE asset_seq IN ({string.Join(", ", names)}) ORDER BY asset_seq, tag";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tags[reader.GetInt64(0)].Add(reader.GetString(1));
            }
        }

        return [.. rows.Select(row => row.Asset with { Tags = tags[row.Seq] })];
    }

    /// <summary>The single row the command selects (with its tags), or null.</summary>
    public static async Task<(long Seq, Asset Asset)?> ReadOneAsync(
        DbCommand command, SqlDialect dialect, CancellationToken cancellationToken)
    {
        (long Seq, Asset Asset) row;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            row = Read(reader, dialect);
        }

        var completed = await WithTagsAsync(command.Connection!, command.Transaction, [row], cancellationToken);
        return (row.Seq, completed[0]);
    }
}
