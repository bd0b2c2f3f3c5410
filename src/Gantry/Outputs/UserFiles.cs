using System.Globalization;
using System.Text;
using Gantry.Domain;
using Gantry.Engine.FileSystem;
using Gantry.Store;

namespace Gantry.Outputs;

/// <summary>
/// Where a user's files live and how ComfyUI names them: the three folder types, subfolders that may never
/// leave their folder, and the <c>"name.png [output]"</c> annotation.
/// </summary>
public static class UserFiles
{
    public const string Output = "output";
    public const string Input = "input";
    public const string Temp = "temp";

    /// <summary>
    /// The folder holding a user's uploads on disk, <c>DATA/inputs/&lt;userId&gt;</c>: what the built-in engine's
    /// LoadImage reads (<c>WorkerJob.InputDirectory</c>) and where <c>/upload/image</c> writes.
    /// </summary>
    public static string InputDirectory(DataOptions options, long userId)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.Combine(Path.GetFullPath(options.DataDirectory), "inputs", userId.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The longest file or folder name, in UTF-8 bytes, that the common file systems (ext4, XFS, APFS, NTFS) take.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>The most folder levels a subfolder may have.</summary>
    public const int MaxSubfolderDepth = 16;

    public static bool IsFolderType(string? type) => type is Output or Input or Temp;

    /// <summary>
    /// Why a canonical subfolder and file name cannot be stored, or null when they can: every part at most
    /// <see cref="MaxNameBytes"/> UTF-8 bytes, at most <see cref="MaxSubfolderDepth"/> folder levels, and text that
    /// encodes (no lone UTF-16 surrogates). Checked before anything is written.
    /// </summary>
    public static string? NameProblem(string subfolder, string filename)
    {
        ArgumentNullException.ThrowIfNull(subfolder);
        ArgumentNullException.ThrowIfNull(filename);
        var parts = subfolder.Length == 0 ? [] : subfolder.Split('/');
        if (parts.Length > MaxSubfolderDepth)
        {
            return $"subfolder has {parts.Length} levels; at most {MaxSubfolderDepth} are allowed.";
        }

        foreach (var part in parts.Append(filename))
        {
            if (!WellFormedText.IsWellFormed(part))
            {
                return "File and folder names must be valid Unicode text.";
            }

            if (Encoding.UTF8.GetByteCount(part) > MaxNameBytes)
            {
                return $"'{Truncate(part)}' is longer than {MaxNameBytes} bytes: file and folder names must be at most {MaxNameBytes} bytes in UTF-8.";
            }
        }

        return null;
    }

    /// <summary>
    /// A subfolder in canonical form: <c>/</c>-separated, no empty or <c>.</c> parts, no leading or trailing
    /// separator (<c>""</c> for none). Null when it is absolute or has a <c>..</c> part: it would leave its folder.
    /// </summary>
    public static string? NormalizeSubfolder(string? subfolder)
    {
        if (string.IsNullOrEmpty(subfolder))
        {
            return "";
        }

        var text = subfolder.Replace('\\', '/');
        if (text.StartsWith('/') || Path.IsPathRooted(text) || (text.Length >= 2 && text[1] == ':') || text.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var part in text.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    return null;
                default:
                    parts.Add(part);
                    break;
            }
        }

        return string.Join('/', parts);
    }

    /// <summary>
    /// Splits ComfyUI's folder annotation off a file name: <c>"cat.png [temp]"</c> is <c>("cat.png", "temp")</c>;
    /// a name without one comes back with a null type.
    /// </summary>
    public static (string Name, string? Type) SplitAnnotation(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var type in (ReadOnlySpan<string>)[Output, Input, Temp])
        {
            var suffix = $"[{type}]";
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                var rest = name[..^suffix.Length];
                return (rest.EndsWith(' ') ? rest[..^1] : rest, type);
            }
        }

        return (name, null);
    }

    /// <summary>
    /// The last part of a client-given file name, as ComfyUI uses only the basename. Null when nothing usable is left,
    /// or the name climbs out of its folder (a <c>..</c> part) or is absolute.
    /// </summary>
    public static string? BaseName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var text = name.Replace('\\', '/');
        if (text.StartsWith('/') || (text.Length >= 2 && text[1] == ':') || text.Split('/').Contains(".."))
        {
            return null;
        }

        var last = text[(text.LastIndexOf('/') + 1)..];
        return last is "" or "." ? null : last;
    }


    private static string Truncate(string text)
    {
        if (text.Length <= 40)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[39]) ? 39 : 40;
        return text[..cut] + "…";
    }

    /// <summary>
    /// Where an input file of the user lives on disk; null if the name would leave the user's input folder, or goes
    /// through a symbolic link inside it (links there are never followed: <see cref="LinkFreePaths"/>).
    /// </summary>
    public static string? InputPath(DataOptions options, long userId, string subfolder, string filename)
    {
        var root = InputDirectory(options, userId);
        var full = Path.GetFullPath(Path.Combine(root, subfolder, filename));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !LinkFreePaths.HasLinkBelow(root, full)
            ? full
            : null;
    }
}
