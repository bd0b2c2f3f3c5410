using System.Text.Json;
using Gantry.Assets;
using Gantry.Domain;

namespace Gantry.Api.Cloud.Assets;

/// <summary>
/// Reads the asset routes' query strings as the spec writes them: tag lists comma-separated (<c>style: form,
/// explode: false</c>; repeated parameters are joined too), <c>metadata_filter</c> a JSON object, the documented
/// ranges and enums. Anything else is an error message naming the parameter.
/// </summary>
public static class AssetQueryReader
{
    private static readonly Dictionary<string, AssetSort> Sorts = new(StringComparer.Ordinal)
    {
        ["created_at"] = AssetSort.CreatedAt,
        ["updated_at"] = AssetSort.UpdatedAt,
        ["name"] = AssetSort.Name,
        ["size"] = AssetSort.Size,
        ["last_access_time"] = AssetSort.LastAccessTime,
    };

    public static (AssetQuery? Query, string? Error) ReadList(IQueryCollection query, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (filter, error) = ReadFilter(query, options);
        if (filter is null)
        {
            return (null, error);
        }

        if (!QueryParameters.TryReadInt(query, "limit", 20, 1, 500, out var limit, out error)
            || !QueryParameters.TryReadInt(query, "offset", 0, 0, int.MaxValue, out var offset, out error)
            || !TryReadBool(query, "include_public", out _, out error))
        {
            return (null, error);
        }

        var sortText = QueryParameters.Single(query, "sort") is { Length: > 0 } s ? s : "created_at";
        if (!Sorts.TryGetValue(sortText, out var sort))
        {
            return (null, $"sort must be one of {string.Join(", ", Sorts.Keys)}, got '{ApiResults.Truncate(sortText)}'.");
        }

        var order = QueryParameters.Single(query, "order") is { Length: > 0 } o ? o : "desc";
        if (order is not ("asc" or "desc"))
        {
            return (null, $"order must be asc or desc, got '{ApiResults.Truncate(order)}'.");
        }

        return (new AssetQuery(filter, sort, order == "desc", limit, offset), null);
    }

    public static (AssetFilter? Filter, string? Error) ReadFilter(IQueryCollection query, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        var (include, error) = ReadTags(query, "include_tags", options);
        if (include is null)
        {
            return (null, error);
        }

        var (exclude, excludeError) = ReadTags(query, "exclude_tags", options);
        if (exclude is null)
        {
            return (null, excludeError);
        }

        var name = QueryParameters.Single(query, "name_contains");
        if (name is not null && (!WellFormedText.IsWellFormed(name) || System.Text.Encoding.UTF8.GetByteCount(name) > AssetRules.MaxNameBytes))
        {
            return (null, $"name_contains must be valid Unicode text of at most {AssetRules.MaxNameBytes} bytes.");
        }

        var (metadata, metadataError) = ReadMetadataFilter(QueryParameters.Single(query, "metadata_filter"), options);
        return metadata is null ? (null, metadataError) : (new AssetFilter
        {
            IncludeTags = include,
            ExcludeTags = exclude,
            NameContains = string.IsNullOrEmpty(name) ? null : name,
            Metadata = metadata,
        }, null);
    }

    public static bool TryReadBool(IQueryCollection query, string name, out bool value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        value = true;
        error = null;
        switch (QueryParameters.Single(query, name))
        {
            case null or "" or "true" or "True" or "1":
                return true;
            case "false" or "False" or "0":
                value = false;
                return true;
            case var other:
                error = $"{name} must be true or false, got '{ApiResults.Truncate(other)}'.";
                return false;
        }
    }

    private static (IReadOnlyList<string>? Tags, string? Error) ReadTags(IQueryCollection query, string name, AssetOptions options)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return ([], null);
        }

        var parts = values.SelectMany(value => (value ?? "").Split(',')).Where(part => part.Trim().Length > 0).ToList();
        if (parts.Count > options.MaxTags)
        {
            return (null, $"{name} may name at most {options.MaxTags} tags.");
        }

        var (tags, problem) = AssetRules.NormalizeTags(parts, options);
        return tags is null ? (null, $"{name}: {problem}") : (tags, null);
    }

    private static (IReadOnlyList<KeyValuePair<string, string>>? Metadata, string? Error) ReadMetadataFilter(string? text, AssetOptions options)
    {
        if (string.IsNullOrEmpty(text))
        {
            return ([], null);
        }

        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            var (json, problem) = AssetRules.NormalizeMetadata(document.RootElement, options);
            if (json is null)
            {
                return (null, $"metadata_filter: {problem}");
            }

            var keys = AssetRules.MetadataKeys(json);
            return keys.Count > options.MaxTags ? (null, $"metadata_filter may name at most {options.MaxTags} keys.") : (keys, null);
        }
        catch (JsonException)
        {
            return (null, "metadata_filter must be a JSON object.");
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // A lone surrogate escape in a string: System.Text.Json throws when it is read back as text.
            return (null, "metadata_filter must be valid Unicode JSON.");
        }
    }
}
