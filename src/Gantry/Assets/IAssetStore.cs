namespace Gantry.Assets;

/// <summary>
/// Gantry's one asset store, behind the Cloud assets API and the v2 assets operations: per-user records over
/// content-addressed blobs. Every method takes the owner: a user's asset is invisible to everyone else (another user's
/// id reads as not found). Names, tags and metadata are checked by <see cref="AssetRules"/> before they come here.
/// </summary>
public interface IAssetStore
{
    /// <summary>
    /// Streams <paramref name="content"/> into the content store (temp file, then renamed; hashed with SHA-256 and BLAKE3
    /// on the way), at most <paramref name="maxBytes"/>. Identical bytes are stored once.
    /// </summary>
    /// <exception cref="AssetTooLargeException">The content is longer than <paramref name="maxBytes"/>; nothing is kept.</exception>
    Task<AssetBlob> IngestAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>A new asset record of <paramref name="userId"/> over a blob from <see cref="IngestAsync"/> or <see cref="FindMintableBlobAsync"/>.</summary>
    /// <exception cref="AssetIdTakenException">The draft's id is another user's asset.</exception>
    /// <exception cref="AssetContentMissingException">The blob was removed meanwhile (its last asset was deleted); try again.</exception>
    Task<AssetCreation> CreateAsync(long userId, AssetDraft draft, AssetBlob blob, CancellationToken cancellationToken);

    /// <summary>
    /// Gives up a blob from <see cref="IngestAsync"/> that no asset was created over (the request failed after the bytes
    /// arrived): new bytes that nothing refers to are removed.
    /// </summary>
    Task DiscardAsync(AssetBlob blob, CancellationToken cancellationToken);

    /// <summary>The blob with this hash if the user may mint from it (they own an asset over it), else null.</summary>
    Task<AssetBlob?> FindMintableBlobAsync(long userId, AssetHash hash, CancellationToken cancellationToken);

    /// <summary>The user's newest asset over this content (with this name, when given), or null.</summary>
    Task<Asset?> FindByHashAsync(long userId, AssetHash hash, string? name, CancellationToken cancellationToken);

    /// <summary>The user's asset, or null (unknown, or another user's).</summary>
    Task<Asset?> GetAsync(long userId, Guid id, CancellationToken cancellationToken);

    /// <summary>Whether asset <paramref name="id"/> exists and belongs to <paramref name="userId"/> (v2 <c>core/ASSET</c> checks).</summary>
    Task<bool> IsOwnedByAsync(long userId, Guid id, CancellationToken cancellationToken);

    /// <summary>Deletes the user's asset; its bytes go too once nothing else refers to them. False when there was no such asset.</summary>
    Task<bool> DeleteAsync(long userId, Guid id, CancellationToken cancellationToken);

    /// <summary>The user's asset with the path of its bytes (read-only), or null; records the access time.</summary>
    Task<AssetContent?> OpenContentAsync(long userId, Guid id, CancellationToken cancellationToken);

    Task<Asset?> UpdateAsync(long userId, Guid id, AssetChanges changes, CancellationToken cancellationToken);

    /// <exception cref="TooManyTagsException">The asset would have more than <see cref="AssetOptions.MaxTags"/> tags.</exception>
    Task<AssetTagChange?> AddTagsAsync(long userId, Guid id, IReadOnlyList<string> tags, CancellationToken cancellationToken);

    Task<AssetTagChange?> RemoveTagsAsync(long userId, Guid id, IReadOnlyList<string> tags, CancellationToken cancellationToken);

    Task<AssetPage> ListAsync(long userId, AssetQuery query, CancellationToken cancellationToken);

    Task<TagPage> ListTagsAsync(long userId, TagQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<TagCount>> TagHistogramAsync(long userId, AssetFilter filter, int limit, CancellationToken cancellationToken);
}

/// <summary>An asset and where its bytes are on disk (a content-store blob: never write to it).</summary>
public sealed record AssetContent(Asset Asset, string Path);

/// <summary>The content was longer than the bound; nothing was kept.</summary>
public sealed class AssetTooLargeException(long maxBytes) : IOException($"The content is larger than {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}

/// <summary>The blob an asset was to be created over was removed meanwhile (its last asset was deleted at that moment).</summary>
public sealed class AssetContentMissingException() : IOException("The content was removed while the asset was being created; send it again.");
