using System.Globalization;
using Gantry.Engine.Json;

namespace Gantry.Engine.Nodes.Files;

/// <summary>Where a save node writes: the folder, the file name stem, the first counter to try, and the subfolder the UI reports.</summary>
internal sealed record SaveTarget(string Folder, string Filename, int Counter, string Subfolder);

/// <summary>
/// ComfyUI's <c>folder_paths.get_save_image_path</c>: expands <c>%width%</c>, <c>%height%</c>, <c>%year%</c>,
/// <c>%month%</c>, <c>%day%</c>, <c>%hour%</c>, <c>%minute%</c> and <c>%second%</c> in the prefix, takes the part
/// after the last <c>/</c> as the file name and the part before it as a subfolder of the output folder (which
/// must not be left), and finds the next counter: one more than the largest <c>N</c> of the entries named
/// <c>{filename}_N…</c> there, or 1.
/// </summary>
internal static class SaveImagePath
{
    public static SaveTarget Resolve(string filenamePrefix, string outputFolder, int imageWidth, int imageHeight, DateTime localNow)
    {
        ArgumentNullException.ThrowIfNull(filenamePrefix);
        if (filenamePrefix.Contains('%', StringComparison.Ordinal))
        {
            filenamePrefix = ExpandVariables(filenamePrefix, imageWidth, imageHeight, localNow);
        }

        var normalized = NormPath(filenamePrefix);
        var slash = normalized.LastIndexOf('/');
        var subfolder = slash < 0 ? string.Empty : normalized[..slash];
        var filename = normalized[(slash + 1)..];

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputFolder));
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(root, subfolder)));
        if (!string.Equals(folder, root, StringComparison.Ordinal)
            && !folder.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new NodeException(
                "Exception",
                "**** ERROR: Saving image outside the output folder is not allowed." +
                $"\n filename_prefix: {filenamePrefix}\n       subfolder: {subfolder}");
        }

        return new SaveTarget(folder, filename, NextCounter(folder, filename), subfolder);
    }

    /// <summary>The prefix with ComfyUI's server-side variables replaced (two-digit month, day and time parts).</summary>
    public static string ExpandVariables(string prefix, int imageWidth, int imageHeight, DateTime localNow) => prefix
        .Replace("%width%", imageWidth.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%height%", imageHeight.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%year%", localNow.Year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%month%", localNow.Month.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%day%", localNow.Day.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%hour%", localNow.Hour.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%minute%", localNow.Minute.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%second%", localNow.Second.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>
    /// Python's <c>os.path.normpath</c> on POSIX: collapses separators and <c>.</c>, resolves <c>..</c> where it
    /// can, keeps a leading <c>/</c>; the empty path is <c>"."</c>. Backslashes count as separators too, so a
    /// Windows-style prefix splits the same way on every platform.
    /// </summary>
    public static string NormPath(string path)
    {
        var absolute = path.StartsWith('/') || path.StartsWith('\\');
        var parts = new List<string>();
        foreach (var part in path.Split('/', '\\'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".." || !absolute)
            {
                parts.Add(part);
            }
        }

        var joined = string.Join('/', parts);
        return absolute ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    private static int NextCounter(string folder, string filename)
    {
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder);
            return 1;
        }

        int? largest = null;
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
        {
            var name = Path.GetFileName(entry);
            if (name.Length <= filename.Length
                || !name.StartsWith(filename, StringComparison.Ordinal)
                || name[filename.Length] != '_')
            {
                continue;
            }

            var digits = name[(filename.Length + 1)..].Split('_')[0];
            var number = int.TryParse(digits.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            largest = Math.Max(largest ?? number, number);
        }

        return (largest ?? 0) + 1;
    }
}
