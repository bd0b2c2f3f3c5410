using System.Data.Common;
using System.Text;
using Gantry.Store.Relational;

namespace Gantry.Assets;

/// <summary>
/// The listing queries over one user's assets: a filtered, sorted page with its total, the user's tags with their
/// counts, and the tag histogram of a filtered set. Every query starts from the user's slice of an index.
/// </summary>
internal sealed class AssetListing(IRelationalDatabase store)
{
    public Task<AssetPage> ListAsync(long userId, AssetQuery query, CancellationToken cancellationToken) =>
        store.ReadAsync(async (connection, ct) =>
        {
            long total;
            await using (var count = connection.CreateCommand())
            {
                count.CommandText = $"SELECT COUNT(*) FROM assets a WHERE {Where(count, userId, query.Filter)}";
                total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            }

            var rows = new List<(long Seq, Asset Asset)>();
            await using (var page = connection.CreateCommand())
            {
                var direction = query.Descending ? "DESC" : "ASC";
                page.CommandText = $"{AssetRows.Select} WHERE {Where(page, userId, query.Filter)} " +
                    $"ORDER BY {SortColumn(query.Sort)} {direction}, a.seq {direction} LIMIT @limit OFFSET @offset";
                page.AddInt64("@limit", query.Limit);
                page.AddInt64("@offset", query.Offset);
                await using var reader = await page.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    rows.Add(AssetRows.Read(reader, store.Dialect));
                }
            }

            return new AssetPage(await AssetRows.WithTagsAsync(connection, null, rows, ct), total);
        }, cancellationToken);

    public Task<TagPage> ListTagsAsync(long userId, TagQuery query, CancellationToken cancellationToken) =>
        store.ReadAsync(async (connection, ct) =>
        {
            var prefix = query.Prefix is { Length: > 0 } ? "AND substr(tag, 1, @prefix_length) = @prefix" : "";
            long total;
            await using (var count = connection.CreateCommand())
            {
                count.CommandText = $"SELECT COUNT(DISTINCT tag) FROM asset_tags WHERE user_id = @user_id {prefix}";
                AddTagParameters(count, userId, query.Prefix);
                total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            }

            var tags = new List<TagCount>();
            await using (var page = connection.CreateCommand())
            {
                page.CommandText = $"SELECT tag, COUNT(*) AS uses FROM asset_tags WHERE user_id = @user_id {prefix} GROUP BY tag " +
                    $"ORDER BY {(query.ByName ? "tag ASC" : "uses DESC, tag ASC")} LIMIT @limit OFFSET @offset";
                AddTagParameters(page, userId, query.Prefix);
                page.AddInt64("@limit", query.Limit);
                page.AddInt64("@offset", query.Offset);
                await using var reader = await page.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    tags.Add(new TagCount(reader.GetString(0), reader.GetInt64(1)));
                }
            }

            return new TagPage(tags, total);
        }, cancellationToken);

    /// <summary>How many of the filtered assets carry each tag: the most used first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<TagCount>> TagHistogramAsync(long userId, AssetFilter filter, int limit, CancellationToken cancellationToken) =>
        store.ReadAsync(async (connection, ct) =>
        {
            var counts = new List<TagCount>();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT t.tag, COUNT(*) AS uses FROM asset_tags t " +
                $"WHERE t.user_id = @owner AND t.asset_seq IN (SELECT a.seq FROM assets a WHERE {Where(command, userId, filter)}) " +
                "GROUP BY t.tag ORDER BY uses DESC, t.tag ASC LIMIT @limit";
            command.AddInt64("@owner", userId);
            command.AddInt64("@limit", limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                counts.Add(new TagCount(reader.GetString(0), reader.GetInt64(1)));
            }

            return (IReadOnlyList<TagCount>)counts;
        }, cancellationToken);

    private static void AddTagParameters(DbCommand command, long userId, string? prefix)
    {
        command.AddInt64("@user_id", userId);
        if (prefix is { Length: > 0 })
        {
            command.AddText("@prefix", prefix);
            command.AddInt32("@prefix_length", prefix.Length);
        }
    }

    private static string SortColumn(AssetSort sort) => sort switch
    {
        AssetSort.Name => "a.name",
        AssetSort.UpdatedAt => "a.updated_at_ms",
        AssetSort.Size => "a.size",
        AssetSort.LastAccessTime => "a.last_access_ms",
        _ => "a.created_at_ms",
    };

    /// <summary>The WHERE clause of the filter over <c>assets a</c>, its parameters added to the command.</summary>
    private static string Where(DbCommand command, long userId, AssetFilter filter)
    {
        var sql = new StringBuilder("a.user_id = @user_id");
        command.AddInt64("@user_id", userId);
        if (filter.NameContains is { Length: > 0 } name)
        {
            sql.Append(@" AND a.name_folded LIKE @name ESCAPE '\'");
            command.AddText("@name", "%" + EscapeLike(name.ToLowerInvariant()) + "%");
        }

        var include = filter.IncludeTags.Distinct(StringComparer.Ordinal).ToList();
        if (include.Count > 0)
        {
            sql.Append($" AND (SELECT COUNT(*) FROM asset_tags t WHERE t.asset_seq = a.seq AND t.tag IN ({List(command, "@i", include)})) = {include.Count}");
        }

        if (filter.ExcludeTags.Count > 0)
        {
            sql.Append($" AND NOT EXISTS (SELECT 1 FROM asset_tags t WHERE t.asset_seq = a.seq AND t.tag IN ({List(command, "@x", filter.ExcludeTags)}))");
        }

        for (var i = 0; i < filter.Metadata.Count; i++)
        {
            sql.Append($" AND EXISTS (SELECT 1 FROM asset_metadata m WHERE m.asset_seq = a.seq AND m.key = @mk{i} AND m.value = @mv{i})");
            command.AddText($"@mk{i}", filter.Metadata[i].Key);
            command.AddText($"@mv{i}", filter.Metadata[i].Value);
        }

        return sql.ToString();
    }

    private static string List(DbCommand command, string prefix, IReadOnlyList<string> values)
    {
        var names = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            names.Add($"{prefix}{i}");
            command.AddText($"{prefix}{i}", values[i]);
        }

        return string.Join(", ", names);
    }

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
