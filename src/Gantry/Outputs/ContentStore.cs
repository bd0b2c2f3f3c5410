using System.Security.Cryptography;
using Gantry.Store;

namespace Gantry.Outputs;

/// <summary>
/// Files kept by content: <c>DATA/blobs/ab/abcdef…</c> named by their SHA-256. Writing the same bytes twice
/// stores them once. Writes go to a temporary file first and are renamed into place, so a reader never
/// sees half a file and a crash leaves no partial blob behind. Blobs are readable by Gantry's user only (0600 in 0700 folders).
/// </summary>
public sealed class ContentStore
{
    private readonly string _root;
    private readonly string _incoming;

    public ContentStore(string dataDirectory)
    {
        _root = Path.Combine(Path.GetFullPath(dataDirectory), "blobs");
        _incoming = Path.Combine(_root, "incoming");
        DataFolder.CreateDirectory(_incoming);
    }

    /// <summary>Stores what <paramref name="content"/> yields (up to <paramref name="maxBytes"/>) and returns its hash and size.</summary>
    /// <exception cref="InvalidDataException">The content is longer than <paramref name="maxBytes"/>.</exception>
    public async Task<StoredBlob> PutAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var temporary = Path.Combine(_incoming, Guid.NewGuid().ToString("N"));
        try
        {
            long size = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = DataFolder.CreatePrivateFile(temporary))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new InvalidDataException($"The content is larger than {maxBytes} bytes.");
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                await file.FlushAsync(cancellationToken);
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            var target = PathOf(sha256);
            var created = !File.Exists(target);
            if (!created)
            {
                File.Delete(temporary);
            }
            else
            {
                DataFolder.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(temporary, target, overwrite: true);
            }

            return new StoredBlob(sha256, size) { Created = created };
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Stores a copy of a file on disk.</summary>
    public async Task<StoredBlob> PutFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return await PutAsync(source, long.MaxValue, cancellationToken);
    }

    /// <summary>Removes the blob with this hash, if stored. The caller makes sure nothing refers to it any more.</summary>
    public void Delete(string sha256) => File.Delete(PathOf(sha256));

    public bool Contains(string sha256) => IsHash(sha256) && File.Exists(PathOf(sha256));

    /// <summary>Where the blob with this hash lives (whether or not it exists).</summary>
    public string PathOf(string sha256)
    {
        if (!IsHash(sha256))
        {
            throw new ArgumentException("Not a lowercase hex SHA-256.", nameof(sha256));
        }

        return Path.Combine(_root, sha256[..2], sha256);
    }

    public static bool IsHash(string text) => text.Length == 64 && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}

public readonly record struct StoredBlob(string Sha256, long Size)
{
    /// <summary>True when these bytes were not stored before this write.</summary>
    public bool Created { get; init; }
}
