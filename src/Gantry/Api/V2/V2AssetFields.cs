using System.Globalization;
using System.Text.Json;
using Gantry.Api.Cloud.Assets;
using Gantry.Assets;

namespace Gantry.Api.V2;

/// <summary>
/// The fields v2 asset creation takes beside the bytes, from a JSON body (from-hash) or an upload form: <c>file_path</c>
/// (a file name: the asset's name, no folders), <c>tags</c>, <c>expires_in</c> (seconds, 60 to 604800).
/// </summary>
public sealed record V2AssetFields(string? FilePath, IReadOnlyList<string> Tags, int? ExpiresIn)
{
    public const int MinExpiresIn = 60;
    public const int MaxExpiresIn = 604_800;

    public static (V2AssetFields? Fields, string? Problem) ReadJson(JsonElement body, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? filePath = null;
        IReadOnlyList<string> tags = [];
        int? expiresIn = null;
        if (body.TryGetProperty("file_path", out var path))
        {
            if (path.ValueKind != JsonValueKind.String)
            {
                return (null, "file_path must be a string.");
            }

            if (FilePathProblem(path.GetString()!) is { } problem)
            {
                return (null, problem);
            }

            filePath = path.GetString();
        }

        if (body.TryGetProperty("tags", out var tagValue))
        {
            var (read, problem) = AssetFields.ReadTagArray(tagValue, options);
            if (read is null)
            {
                return (null, problem);
            }

            tags = read;
        }

        if (body.TryGetProperty("expires_in", out var expires))
        {
            if (expires.ValueKind != JsonValueKind.Number || !expires.TryGetInt32(out var seconds) || ExpiresInProblem(seconds) is not null)
            {
                return (null, ExpiresInProblem(null));
            }

            expiresIn = seconds;
        }

        return (new V2AssetFields(filePath, tags, expiresIn), null);
    }

    public static (V2AssetFields? Fields, string? Problem) ReadForm(AssetForm form, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(options);
        if (form.Last("file_path") is not { } filePath)
        {
            return (null, "file_path is required: the asset's file name, such as photo.png.");
        }

        if (FilePathProblem(filePath) is { } pathProblem)
        {
            return (null, pathProblem);
        }

        var (tags, tagProblem) = AssetFields.ReadFormTags(form.All("tags"), options);
        if (tags is null)
        {
            return (null, tagProblem);
        }

        int? expiresIn = null;
        if (form.Last("expires_in") is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || ExpiresInProblem(seconds) is not null)
            {
                return (null, ExpiresInProblem(null));
            }

            expiresIn = seconds;
        }

        return (new V2AssetFields(filePath, tags, expiresIn), null);
    }

    /// <summary>Gantry places an asset in a job's input folder itself, so the path is a file name (no folders).</summary>
    private static string? FilePathProblem(string filePath)
        => AssetRules.NameProblem(filePath) is { } problem ? $"file_path must be a file name without folders: {problem}" : null;

    private static string? ExpiresInProblem(int? seconds)
        => seconds is >= MinExpiresIn and <= MaxExpiresIn ? null : $"expires_in must be a whole number of seconds from {MinExpiresIn} to {MaxExpiresIn}.";
}
