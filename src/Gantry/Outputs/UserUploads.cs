using System.Security.Cryptography;
using Gantry.Domain;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Outputs;

/// <summary>
/// Stores a user's uploads as ComfyUI's <c>/upload/image</c> does. Input files are written to the user's input
/// folder on disk (<see cref="UserFiles.InputDirectory"/>, what LoadImage reads) and, like every upload, kept in
/// the content store and recorded in the file index so <c>/view</c> finds them. Names follow ComfyUI: without
/// <c>overwrite</c>, a different file already under the name makes the new one <c>name (1).ext</c>,
/// <c>name (2).ext</c>, …; the same bytes reuse the existing name.
/// </summary>
public sealed class UserUploads(ContentStore blobs, IFileIndex index, IOptions<DataOptions> options, TimeProvider time)
{
    /// <summary>What <see cref="ExistingHashAsync"/> answers for a name a folder holds: never equal to a hash.</summary>
    private const string FolderMarker = "folder";

    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, 32).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>
    /// Stores <paramref name="content"/> (at most <paramref name="maxBytes"/>) under the request's name, or the next free one.
    /// A user's uploads are stored one at a time, and what is on disk is checked before anything is written: a request
    /// that cannot be stored (a subfolder part that is a file, an existing folder to overwrite) comes back as a conflict
    /// with nothing written, neither the blob nor the input file.
    /// </summary>
    /// <exception cref="InvalidDataException">The content is larger than <paramref name="maxBytes"/>.</exception>
    public async Task<UploadOutcome> SaveAsync(long userId, UploadRequest request, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Type == UserFiles.Input && UserFiles.InputPath(options.Value, userId, request.Subfolder, request.Filename) is null)
        {
            throw new UnsafeUploadPathException();
        }

        var gate = _locks[(int)((ulong)userId % (ulong)_locks.Length)];
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (request.Type == UserFiles.Input && InputConflict(userId, request) is { } conflict)
            {
                return UploadOutcome.Conflict(conflict);
            }

            var blob = await blobs.PutAsync(content, maxBytes, cancellationToken);
            var name = request.Overwrite ? request.Filename : await ChooseNameAsync(userId, request, blob.Sha256, cancellationToken);
            if (request.Type == UserFiles.Input)
            {
                await WriteInputFileAsync(userId, request.Subfolder, name, blob.Sha256, cancellationToken);
            }

            var file = new StoredFile
            {
                UserId = userId,
                Type = request.Type,
                Subfolder = request.Subfolder,
                Filename = name,
                Sha256 = blob.Sha256,
                Size = blob.Size,
                ContentType = OutputImporter.ContentTypeOf(name),
                CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            };
            await index.AddFilesAsync([file], cancellationToken);
            return UploadOutcome.Stored(file);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Why the input file cannot go where the request puts it, or null: a subfolder part is a file, or the file to overwrite is a folder.</summary>
    private string? InputConflict(long userId, UploadRequest request)
    {
        var root = UserFiles.InputDirectory(options.Value, userId);
        var folder = root;
        foreach (var part in request.Subfolder.Length == 0 ? [] : request.Subfolder.Split('/'))
        {
            folder = Path.Combine(folder, part);
            if (File.Exists(folder))
            {
                return $"The subfolder cannot be created: '{Path.GetRelativePath(root, folder).Replace('\\', '/')}' is a file.";
            }
        }

        return request.Overwrite && Directory.Exists(Path.Combine(folder, request.Filename))
            ? $"'{request.Filename}' is a folder and cannot be overwritten by a file."
            : null;
    }

    private async Task<string> ChooseNameAsync(long userId, UploadRequest request, string sha256, CancellationToken cancellationToken)
    {
        var stem = Path.GetFileNameWithoutExtension(request.Filename);
        var extension = Path.GetExtension(request.Filename);
        var name = request.Filename;
        for (var i = 1; ; i++)
        {
            var existing = await ExistingHashAsync(userId, request.Type, request.Subfolder, name, cancellationToken);
            if (existing is null || existing == sha256)
            {
                return name;
            }

            name = $"{stem} ({i}){extension}";
        }
    }

    /// <summary>The hash of what the user already has under this name, or null when the name is free.</summary>
    private async Task<string?> ExistingHashAsync(long userId, string type, string subfolder, string name, CancellationToken cancellationToken)
    {
        var recorded = await index.FindFileAsync(userId, type, subfolder, name, cancellationToken);
        if (type != UserFiles.Input)
        {
            return recorded?.Sha256;
        }

        // For inputs the folder on disk is what LoadImage sees, so it decides whether the name is taken.
        var path = UserFiles.InputPath(options.Value, userId, subfolder, name);
        if (path is not null && Directory.Exists(path))
        {
            return FolderMarker;   // a folder holds the name: the file gets the next one, as ComfyUI does
        }

        if (path is null || !File.Exists(path))
        {
            return null;
        }

        if (recorded is not null && new FileInfo(path).Length == recorded.Size)
        {
            return recorded.Sha256;
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private async Task WriteInputFileAsync(long userId, string subfolder, string name, string sha256, CancellationToken cancellationToken)
    {
        var path = UserFiles.InputPath(options.Value, userId, subfolder, name) ?? throw new UnsafeUploadPathException();
        if (File.Exists(path) && new FileInfo(path).Length == new FileInfo(blobs.PathOf(sha256)).Length
            && await ExistingHashAsync(userId, UserFiles.Input, subfolder, name, cancellationToken) == sha256)
        {
            return;
        }

        DataFolder.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Guid.NewGuid():N}.upload");
        try
        {
            await using (var source = new FileStream(blobs.PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            await using (var target = DataFolder.CreatePrivateFile(temporary))
            {
                await source.CopyToAsync(target, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}

/// <summary>The upload would be written through a symbolic link in the user's input folder; nothing is written.</summary>
public sealed class UnsafeUploadPathException()
    : IOException("The upload's path goes through a symbolic link in the input folder, or leaves it.");

/// <summary>
/// What an upload asks for: the client's file name (already reduced to a safe basename), the folder type
/// (<c>input</c>, <c>temp</c> or <c>output</c>), the subfolder (canonical) and whether to replace an existing file.
/// </summary>
public sealed record UploadRequest(string Filename, string Type, string Subfolder, bool Overwrite);

/// <summary>What an upload came to: the stored file, or why nothing was stored (a conflict with what the user already has).</summary>
public sealed record UploadOutcome(StoredFile? File, string? ConflictMessage)
{
    public static UploadOutcome Stored(StoredFile file) => new(file, null);

    public static UploadOutcome Conflict(string message) => new(null, message);
}
