namespace Gantry.Store.Editor;

/// <summary>One of a user's editor files (workflows, templates, keybindings): its path, size and last change.</summary>
/// <param name="Path">Relative to the user's root, '/'-separated, already checked (see <c>UserDataPath</c>).</param>
public sealed record UserDataEntry(string Path, long Size, long ModifiedAtMs);

/// <summary>How much one user may keep: files, and bytes over all of them.</summary>
public sealed record UserDataQuota(int MaxFiles, long MaxTotalBytes);

/// <summary>What a write or a move came to.</summary>
public enum UserDataWriteStatus
{
    Written,

    /// <summary>The target exists and overwriting was not allowed.</summary>
    Exists,

    /// <summary>The target clashes with the tree: a parent is a file, or the target is a folder of other files.</summary>
    PathClash,

    /// <summary>Over the user's quota; nothing was written.</summary>
    OverQuota,

    /// <summary>A move whose source does not exist.</summary>
    SourceMissing,
}

public readonly record struct UserDataWriteResult(UserDataWriteStatus Status, UserDataEntry? Entry);

/// <summary>One editor setting: its id and its value as the JSON bytes the client sent.</summary>
public sealed record EditorSetting(string Id, byte[] Value);

/// <summary>
/// The ComfyUI editor's per-user state in Gantry's store (so it survives restarts and every instance sees it): settings,
/// and files kept by path. Every call names the user; nothing crosses users.
/// </summary>
public interface IEditorStateStore
{
    /// <summary>The user's files under <paramref name="folder"/> ("" for all, else a path ending in '/'), by path.</summary>
    Task<IReadOnlyList<UserDataEntry>> ListFilesAsync(long userId, string folder, CancellationToken cancellationToken);

    /// <summary>One file's entry and bytes, or null.</summary>
    Task<(UserDataEntry Entry, byte[] Content)?> ReadFileAsync(long userId, string path, CancellationToken cancellationToken);

    Task<UserDataWriteResult> WriteFileAsync(
        long userId, string path, byte[] content, bool overwrite, long nowMs, UserDataQuota quota, CancellationToken cancellationToken);

    Task<bool> DeleteFileAsync(long userId, string path, CancellationToken cancellationToken);

    /// <summary>Renames a file (its bytes and time stay); an overwritten target is replaced.</summary>
    Task<UserDataWriteResult> MoveFileAsync(long userId, string source, string target, bool overwrite, CancellationToken cancellationToken);

    /// <summary>Names (<c>subfolder/filename</c>) of the user's files of one folder type (input, output, temp), newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> ListFileNamesAsync(long userId, string type, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<EditorSetting>> ReadSettingsAsync(long userId, CancellationToken cancellationToken);

    Task<byte[]?> ReadSettingAsync(long userId, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the given settings (others stay), all or none: false, with nothing written, when the user would then hold more
    /// than <paramref name="maxSettings"/> settings or <paramref name="maxTotalBytes"/> bytes of values.
    /// </summary>
    Task<bool> WriteSettingsAsync(
        long userId, IReadOnlyList<EditorSetting> settings, int maxSettings, long maxTotalBytes, CancellationToken cancellationToken);
}
