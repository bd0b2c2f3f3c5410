using Gantry.Engine.Json;

namespace Gantry.Engine.FileSystem;

/// <summary>
/// ComfyUI's three file folders for one run (given by the host): <c>input</c> (uploads, LoadImage),
/// <c>output</c> (SaveImage) and <c>temp</c> (PreviewImage). The engine never creates them itself;
/// nodes that write call <see cref="EnsureCreated"/>.
/// </summary>
public sealed record EngineFolders(string Input, string Output, string Temp)
{
    /// <summary>input/, output/ and temp/ under one root folder.</summary>
    public static EngineFolders Under(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        return new EngineFolders(Path.Combine(root, "input"), Path.Combine(root, "output"), Path.Combine(root, "temp"));
    }

    /// <summary>The folder for a ComfyUI folder type: "input", "output" or "temp".</summary>
    public string Get(string folderType) => folderType switch
    {
        "input" => Input,
        "output" => Output,
        "temp" => Temp,
        _ => throw new ArgumentException($"Unknown folder type '{folderType}'.", nameof(folderType)),
    };

    /// <summary>
    /// The full path of <paramref name="filename"/> in <paramref name="subfolder"/> of a folder type;
    /// throws a ValueError <see cref="NodeException"/> when the result would leave that folder or goes through a
    /// symbolic link below it (<see cref="LinkFreePaths"/>).
    /// </summary>
    public string ResolveFile(string folderType, string subfolder, string filename)
    {
        ArgumentNullException.ThrowIfNull(subfolder);
        ArgumentNullException.ThrowIfNull(filename);
        var root = Path.GetFullPath(Get(folderType));
        var full = Path.GetFullPath(Path.Combine(root, subfolder, filename));
        var rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw NodeException.ValueError($"Path '{Path.Combine(subfolder, filename)}' leaves the {folderType} folder.");
        }

        if (LinkFreePaths.HasLinkBelow(root, full))
        {
            throw NodeException.ValueError($"Path '{Path.Combine(subfolder, filename)}' goes through a symbolic link; links are not followed.");
        }

        return full;
    }

    /// <summary>Creates the three folders when missing.</summary>
    public void EnsureCreated()
    {
        Directory.CreateDirectory(Input);
        Directory.CreateDirectory(Output);
        Directory.CreateDirectory(Temp);
    }
}
