using System.Security.Cryptography;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;

namespace Gantry.Engine.Nodes.Files;

/// <summary>
/// ComfyUI's annotated file names (<c>folder_paths.get_annotated_filepath</c>): <c>"x.png"</c> and
/// <c>"sub/x.png"</c> live in the input folder; a <c>" [input]"</c>, <c>" [output]"</c> or <c>" [temp]"</c>
/// suffix picks the folder. Unlike ComfyUI, a name that leaves its folder (<c>"../x"</c>, an absolute
/// path) resolves to nothing.
/// </summary>
internal static class AnnotatedFiles
{
    private static readonly (string Suffix, string FolderType)[] Annotations =
    [
        ("[output]", "output"),
        ("[input]", "input"),
        ("[temp]", "temp"),
    ];

    /// <summary>The name without its annotation, and the folder type it names ("input" when none).</summary>
    public static (string Name, string FolderType) Split(string annotatedName)
    {
        ArgumentNullException.ThrowIfNull(annotatedName);
        foreach (var (suffix, folderType) in Annotations)
        {
            if (annotatedName.EndsWith(suffix, StringComparison.Ordinal))
            {
                // ComfyUI cuts the suffix and the one character before it (the space of "x.png [output]").
                return (annotatedName[..Math.Max(0, annotatedName.Length - suffix.Length - 1)], folderType);
            }
        }

        return (annotatedName, "input");
    }

    /// <summary>The full path of an annotated name, or null when it would leave its folder.</summary>
    public static string? TryResolve(EngineFolders folders, string annotatedName)
    {
        var (name, folderType) = Split(annotatedName);
        try
        {
            return folders.ResolveFile(folderType, string.Empty, name);
        }
        catch (NodeException)
        {
            return null;
        }
    }

    /// <summary>ComfyUI's <c>exists_annotated_filepath</c>: true for an existing file or folder.</summary>
    public static bool Exists(EngineFolders folders, string annotatedName) =>
        TryResolve(folders, annotatedName) is { } path && (File.Exists(path) || Directory.Exists(path));

    /// <summary>The full path of an annotated name; a ValueError when it would leave its folder.</summary>
    public static string Resolve(EngineFolders folders, string annotatedName)
    {
        var (name, folderType) = Split(annotatedName);
        return folders.ResolveFile(folderType, string.Empty, name);
    }

    /// <summary>ComfyUI's IS_CHANGED of a file input: the SHA-256 of the file, so a changed file makes a new cache key.</summary>
    public static string Fingerprint(EngineFolders folders, string annotatedName)
    {
        using var file = File.OpenRead(Resolve(folders, annotatedName));
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>ComfyUI's VALIDATE_INPUTS of a file input: the named file must exist, else "Invalid {what} file: {value}".</summary>
    public static ValidationVerdict MustExist(EngineFolders folders, object? value, string what) =>
        value is string name && Exists(folders, name)
            ? ValidationVerdict.Valid
            : ValidationVerdict.Fail($"Invalid {what} file: {PyFormat.Str(value)}");
}
