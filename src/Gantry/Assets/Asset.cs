namespace Gantry.Assets;

/// <summary>
/// One user's asset: a record (id, name, tags, metadata) over an immutable blob. The bytes live once per content in
/// the content store (named by <see cref="Sha256"/>); two users' identical uploads are two assets over one blob.
/// </summary>
public sealed record Asset
{
    public required Guid Id { get; init; }

    public required long UserId { get; init; }

    /// <summary>Lowercase hex SHA-256 of the bytes: the blob's name in the content store.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Lowercase hex BLAKE3 of the bytes: the specs' hash (<c>blake3:&lt;hex&gt;</c>).</summary>
    public required string Blake3 { get; init; }

    public required string Name { get; init; }

    public string? MimeType { get; init; }

    public required long Size { get; init; }

    /// <summary>Distinct tags, in code-point order.</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>The user's metadata as compact JSON (an object), or null.</summary>
    public string? UserMetadata { get; init; }

    public Guid? PreviewId { get; init; }

    /// <summary>The job whose output this is; null for uploads.</summary>
    public Guid? JobId { get; init; }

    public required long CreatedAtMs { get; init; }

    public required long UpdatedAtMs { get; init; }

    public required long LastAccessMs { get; init; }

    /// <summary>When the asset may be removed (v2 retention); null: kept until deleted.</summary>
    public long? ExpiresAtMs { get; init; }

    /// <summary>The specs' <c>blake3:&lt;hex&gt;</c>.</summary>
    public string Hash => AssetHash.FormatBlake3(Blake3);
}

/// <summary>Content stored in the content store, hashed both ways as it streamed in.</summary>
/// <param name="Sha256">Lowercase hex SHA-256: the content store's name for it.</param>
/// <param name="Blake3">Lowercase hex BLAKE3: the specs' hash.</param>
/// <param name="Size">Bytes.</param>
/// <param name="IsNew">True when these bytes were not stored before (no asset, upload or output had them).</param>
public sealed record AssetBlob(string Sha256, string Blake3, long Size, bool IsNew);

/// <summary>What a new asset record says about its blob (validated by <see cref="AssetRules"/> before it gets here).</summary>
public sealed record AssetDraft
{
    /// <summary>A client-chosen id (idempotent creation), or null for a new one.</summary>
    public Guid? Id { get; init; }

    public required string Name { get; init; }

    public string? MimeType { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>A JSON object as compact text, or null.</summary>
    public string? UserMetadata { get; init; }

    public Guid? PreviewId { get; init; }

    public Guid? JobId { get; init; }

    public long? ExpiresAtMs { get; init; }
}

/// <summary>A new record, or the existing one a create came back to (<see cref="CreatedNew"/> false).</summary>
public sealed record AssetCreation(Asset Asset, bool CreatedNew);

/// <summary>Changes to an asset's record; null fields stay as they are.</summary>
public sealed record AssetChanges
{
    public string? Name { get; init; }

    public string? MimeType { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public string? UserMetadata { get; init; }

    public Guid? PreviewId { get; init; }
}

/// <summary>What adding or removing tags did: the tags changed, those that were (not) there, and all tags after.</summary>
public sealed record AssetTagChange(IReadOnlyList<string> Changed, IReadOnlyList<string> Unchanged, IReadOnlyList<string> Tags, long UpdatedAtMs);
