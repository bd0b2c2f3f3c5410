using Gantry.Domain;

namespace Gantry.Store;

/// <summary>The names under which users see stored files (the bytes themselves live content-addressed on disk).</summary>
public interface IFileIndex
{
    /// <summary>Records files; a record with the same (user, type, subfolder, filename) is replaced.</summary>
    Task AddFilesAsync(IReadOnlyList<StoredFile> files, CancellationToken cancellationToken);

    /// <summary>The user's file with this name, or null.</summary>
    Task<StoredFile?> FindFileAsync(long userId, string type, string subfolder, string filename, CancellationToken cancellationToken);

    /// <summary>Files a job produced.</summary>
    Task<IReadOnlyList<StoredFile>> ListJobFilesAsync(Guid jobId, CancellationToken cancellationToken);
}
