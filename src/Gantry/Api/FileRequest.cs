using Gantry.Outputs;

namespace Gantry.Api;

/// <summary>
/// A file as <c>/view</c> asks for it: <c>filename</c> (only its basename counts; a <c>[output]</c>,
/// <c>[input]</c> or <c>[temp]</c> suffix overrides <c>type</c>), <c>type</c> (default output) and <c>subfolder</c>.
/// </summary>
public sealed record FileRequest(string Type, string Subfolder, string Filename)
{
    /// <summary>Reads the query; a missing or unsafe name, a subfolder leaving its folder, or an unknown type is an error.</summary>
    public static FileRequest? Read(IQueryCollection query, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        error = null;
        var filename = query["filename"].ToString();
        if (filename.Length == 0)
        {
            error = "filename is required.";
            return null;
        }

        var (name, annotated) = UserFiles.SplitAnnotation(filename);
        var type = annotated ?? (query["type"].ToString() is { Length: > 0 } given ? given : UserFiles.Output);
        if (!UserFiles.IsFolderType(type))
        {
            error = $"Unknown type '{ApiResults.Truncate(type)}': expected output, input or temp.";
            return null;
        }

        if (UserFiles.BaseName(name) is not { } baseName)
        {
            error = "filename must be a plain file name: no '..' parts, not an absolute path.";
            return null;
        }

        if (UserFiles.NormalizeSubfolder(query["subfolder"].ToString()) is not { } subfolder)
        {
            error = "subfolder must stay inside its folder: no '..' parts, not an absolute path.";
            return null;
        }

        return new FileRequest(type, subfolder, baseName);
    }
}
