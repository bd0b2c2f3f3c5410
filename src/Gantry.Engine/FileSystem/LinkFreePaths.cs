namespace Gantry.Engine.FileSystem;

/// <summary>
/// Symbolic links inside a user's folders are never followed: a link planted in an input folder could otherwise make
/// LoadImage, an upload or a worker upload read or write a file outside it. The folder itself may be a link (a data
/// folder on another volume); only what lies below it is checked.
/// </summary>
public static class LinkFreePaths
{
    /// <summary>
    /// Whether any existing part of <paramref name="fullPath"/> below <paramref name="root"/> (the file itself included)
    /// is a symbolic link or another reparse point. Both paths must be full; <paramref name="fullPath"/> must be inside
    /// <paramref name="root"/>.
    /// </summary>
    public static bool HasLinkBelow(string root, string fullPath)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(fullPath);
        var prefix = Path.TrimEndingDirectorySeparator(root);
        if (!fullPath.StartsWith(prefix + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("The path is not inside the root.", nameof(fullPath));
        }

        var current = prefix;
        foreach (var part in fullPath[(prefix.Length + 1)..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = new FileInfo(current);
            if (!info.Exists)
            {
                info = new DirectoryInfo(current);
                if (!info.Exists)
                {
                    // A dangling link exists as neither a file nor a folder, yet it is a link.
                    return new FileInfo(current).LinkTarget is not null;
                }
            }

            if (info.LinkTarget is not null || info.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                return true;
            }
        }

        return false;
    }
}
