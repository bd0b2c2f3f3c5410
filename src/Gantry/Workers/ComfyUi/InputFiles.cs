using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The files of a user's input folder that a graph names: every string input value that, read as a path
/// relative to the folder (<c>cat.png</c>, <c>sub/cat.png</c>, <c>cat.png [input]</c>), is an existing file
/// inside it. A ComfyUI worker gets each of them uploaded under the same name before the prompt.
/// </summary>
internal static class InputFiles
{
    private const string InputAnnotation = " [input]";
    private const int MaxNameLength = 1024;

    /// <summary>The referenced files, each once, in the order the graph names them.</summary>
    public static IReadOnlyList<InputFile> Referenced(JObject prompt, string? inputDirectory)
    {
        if (string.IsNullOrEmpty(inputDirectory) || !Directory.Exists(inputDirectory))
        {
            return [];
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(inputDirectory)) + Path.DirectorySeparatorChar;
        var files = new List<InputFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, node) in prompt)
        {
            if (ComfyJson.Object(node as JObject, "inputs") is not { } inputs)
            {
                continue;
            }

            foreach (var (_, value) in inputs)
            {
                if (value is JString text && Resolve(text.Value, root) is { } file && seen.Add(file.Path))
                {
                    files.Add(file);
                }
            }
        }

        return files;
    }

    private static InputFile? Resolve(string value, string root)
    {
        var name = value.EndsWith(InputAnnotation, StringComparison.Ordinal) ? value[..^InputAnnotation.Length] : value;
        if (name.Length is 0 or > MaxNameLength
            || name.EndsWith(" [output]", StringComparison.Ordinal) || name.EndsWith(" [temp]", StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal)
            || name.StartsWith('/') || name.Split('/').Any(part => part is "" or "." or ".."))
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(root, name));
        if (!path.StartsWith(root, StringComparison.Ordinal) || !File.Exists(path) || LinkFreePaths.HasLinkBelow(root, path))
        {
            return null;
        }

        var slash = name.LastIndexOf('/');
        return new InputFile(name, path, slash < 0 ? "" : name[..slash], name[(slash + 1)..]);
    }
}

/// <summary>An input file to upload: the name the graph uses, where it is on disk, and how ComfyUI files it.</summary>
internal sealed record InputFile(string Name, string Path, string Subfolder, string Filename);
