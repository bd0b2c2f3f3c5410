using Gantry.Engine.FileSystem;

namespace Gantry.Engine.Nodes.Files;

/// <summary>
/// Every regular file directly in the input folder, sorted by code point (what LoadImageMask offers: unlike
/// LoadImage it does not filter by type). Symbolic links are left out: they are never followed.
/// </summary>
internal static class InputFiles
{
    public static IReadOnlyList<string> List(EngineFolders folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        return Directory.Exists(folders.Input)
            ? [.. new DirectoryInfo(folders.Input).EnumerateFiles().Where(file => file.LinkTarget is null).Select(file => file.Name).Order(StringComparer.Ordinal)]
            : [];
    }
}
