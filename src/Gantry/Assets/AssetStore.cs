using Gantry.Outputs;
using Gantry.Store;
using Gantry.Store.Relational;
using Microsoft.Extensions.Options;

namespace Gantry.Assets;

/// <summary>
/// The asset store: bytes in the content store (<c>DATA/blobs</c>, 0600 files in 0700 folders, written to a temp file
/// and renamed, named by SHA-256, shared with uploads and outputs), records in the database (<see cref="AssetIndex"/>,
/// <see cref="AssetListing"/>). Creating an asset over a blob and deleting a blob's last asset take the same lock per
/// hash, so a blob is never removed under an asset being created over it on this instance.
/// </summary>
public sealed class AssetStore : IAssetStore
{
    private readonly ContentStore _blobs;
    private readonly AssetIndex _index;
    private readonly AssetListing _listing;
    private readonly IOptions<AssetOptions> _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public AssetStore(ContentStore blobs, IGantryStore store, IOptions<AssetOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        var connections = store as IRelationalDatabase
            ?? throw new ArgumentException("The asset store needs a relational store (SQLite or PostgreSQL).", nameof(store));
        _blobs = blobs;
        _index = new AssetIndex(connections);
        _listing = new AssetListing(connections);
        _options = options;
        _time = time;
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<AssetBlob> IngestAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var hashing = new Blake3ReadStream(content);
        StoredBlob stored;
        try
        {
            stored = await _blobs.PutAsync(hashing, maxBytes, cancellationToken);
        }
        catch (InvalidDataException)
        {
            throw new AssetTooLargeException(maxBytes);
        }

        return new AssetBlob(stored.Sha256, hashing.HexDigest(), stored.Size, stored.Created);
    }

    public async Task<AssetCreation> CreateAsync(long userId, AssetDraft draft, AssetBlob blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(blob);
        var gate = LockOf(blob.Sha256);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!_blobs.Contains(blob.Sha256))
            {
                throw new AssetContentMissingException();
            }

            return await _index.InsertAsync(userId, draft, blob, NowMs, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task DiscardAsync(AssetBlob blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!blob.IsNew)
        {
            return;
        }

        var gate = LockOf(blob.Sha256);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!await _index.IsReferencedAsync(blob.Sha256, cancellationToken))
            {
                _blobs.Delete(blob.Sha256);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<AssetBlob?> FindMintableBlobAsync(long userId, AssetHash hash, CancellationToken cancellationToken) =>
        _index.FindMintableBlobAsync(userId, hash, cancellationToken);

    public Task<Asset?> FindByHashAsync(long userId, AssetHash hash, string? name, CancellationToken cancellationToken) =>
        _index.FindByHashAsync(userId, hash, name, cancellationToken);

    public Task<Asset?> GetAsync(long userId, Guid id, CancellationToken cancellationToken) => _index.GetAsync(userId, id, cancellationToken);

    public async Task<bool> IsOwnedByAsync(long userId, Guid id, CancellationToken cancellationToken) =>
        await _index.GetAsync(userId, id, cancellationToken) is not null;

    public async Task<bool> DeleteAsync(long userId, Guid id, CancellationToken cancellationToken)
    {
        if (await _index.GetAsync(userId, id, cancellationToken) is not { } asset)
        {
            return false;
        }

        var gate = LockOf(asset.Sha256);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var (deleted, unreferenced) = await _index.DeleteAsync(userId, id, cancellationToken);
            if (unreferenced is not null)
            {
                _blobs.Delete(unreferenced);
            }

            return deleted;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<AssetContent?> OpenContentAsync(long userId, Guid id, CancellationToken cancellationToken)
    {
        if (await _index.GetAsync(userId, id, cancellationToken) is not { } asset || !_blobs.Contains(asset.Sha256))
        {
            return null;
        }

        await _index.TouchAsync(id, NowMs, cancellationToken);
        return new AssetContent(asset, _blobs.PathOf(asset.Sha256));
    }

    public Task<Asset?> UpdateAsync(long userId, Guid id, AssetChanges changes, CancellationToken cancellationToken) =>
        _index.UpdateAsync(userId, id, changes, NowMs, cancellationToken);

    public Task<AssetTagChange?> AddTagsAsync(long userId, Guid id, IReadOnlyList<string> tags, CancellationToken cancellationToken) =>
        _index.ChangeTagsAsync(userId, id, tags, add: true, _options.Value.MaxTags, NowMs, cancellationToken);

    public Task<AssetTagChange?> RemoveTagsAsync(long userId, Guid id, IReadOnlyList<string> tags, CancellationToken cancellationToken) =>
        _index.ChangeTagsAsync(userId, id, tags, add: false, _options.Value.MaxTags, NowMs, cancellationToken);

    public Task<AssetPage> ListAsync(long userId, AssetQuery query, CancellationToken cancellationToken) =>
        _listing.ListAsync(userId, query, cancellationToken);

    public Task<TagPage> ListTagsAsync(long userId, TagQuery query, CancellationToken cancellationToken) =>
        _listing.ListTagsAsync(userId, query, cancellationToken);

    public Task<IReadOnlyList<TagCount>> TagHistogramAsync(long userId, AssetFilter filter, int limit, CancellationToken cancellationToken) =>
        _listing.TagHistogramAsync(userId, filter, limit, cancellationToken);

    private SemaphoreSlim LockOf(string sha256) => _locks[Convert.ToInt32(sha256[..2], 16) % _locks.Length];
}
