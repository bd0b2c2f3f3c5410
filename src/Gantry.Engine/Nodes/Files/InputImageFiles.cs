using Gantry.Engine.FileSystem;

namespace Gantry.Engine.Nodes.Files;

/// <summary>
/// The images LoadImage offers: the files directly in the input folder whose extension Python's
/// <c>mimetypes</c> maps to an <c>image/*</c> type (ComfyUI's <c>filter_files_content_types</c>), sorted
/// by code point as Python's <c>sorted</c> does. Symbolic links are left out: they are never followed. Subfolders are not listed, but "sub/x.png" can still be asked for.
/// </summary>
internal static class InputImageFiles
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "avif", "bmp", "gif", "heic", "heif", "ico", "ief", "jpe", "jpeg", "jpg", "jxl", "pbm", "pct", "pgm", "pic",
        "pict", "png", "pnm", "ppm", "ras", "rgb", "svg", "tif", "tiff", "webp", "xbm", "xpm", "xwd",
    };

    public static IReadOnlyList<string> List(EngineFolders folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        if (!Directory.Exists(folders.Input))
        {
            return [];
        }

        return
        [
            .. new DirectoryInfo(folders.Input).EnumerateFiles()
                .Where(file => file.LinkTarget is null)
                .Select(file => file.Name)
                .OfType<string>()
                .Where(IsImage)
                .Order(StringComparer.Ordinal),
        ];
    }

    /// <summary>Whether the name's last dot-separated part is an image extension (Python's <c>file.split('.')[-1]</c>).</summary>
    public static bool IsImage(string fileName)
    {
        var dot = fileName.LastIndexOf('.');
        return dot >= 0 && ImageExtensions.Contains(fileName[(dot + 1)..]);
    }
}
