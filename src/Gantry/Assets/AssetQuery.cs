namespace Gantry.Assets;

/// <summary>Which of a user's assets a listing or tag histogram covers.</summary>
public sealed record AssetFilter
{
    /// <summary>The asset must have every one of these tags.</summary>
    public IReadOnlyList<string> IncludeTags { get; init; } = [];

    /// <summary>The asset must have none of these tags.</summary>
    public IReadOnlyList<string> ExcludeTags { get; init; } = [];

    /// <summary>Case-insensitive substring of the name, or null.</summary>
    public string? NameContains { get; init; }

    /// <summary>Top-level <c>user_metadata</c> keys whose value (compact JSON) must equal the given one.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];
}

/// <summary>What <c>GET /api/assets</c> sorts by.</summary>
public enum AssetSort
{
    CreatedAt,
    UpdatedAt,
    Name,
    Size,
    LastAccessTime,
}

/// <summary>A page of a user's assets.</summary>
public sealed record AssetQuery(AssetFilter Filter, AssetSort Sort, bool Descending, int Limit, int Offset);

public sealed record AssetPage(IReadOnlyList<Asset> Assets, long Total);

/// <summary>A page of a user's tags with how many of their assets carry each.</summary>
public sealed record TagQuery(string? Prefix, bool ByName, int Limit, int Offset);

public sealed record TagCount(string Tag, long Count);

public sealed record TagPage(IReadOnlyList<TagCount> Tags, long Total);
