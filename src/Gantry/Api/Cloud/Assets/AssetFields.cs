using System.Text.Json;
using Gantry.Assets;

namespace Gantry.Api.Cloud.Assets;

/// <summary>
/// The fields the asset routes' JSON bodies (and upload form) share, each read and checked: <c>name</c>,
/// <c>tags</c>, <c>mime_type</c>, <c>user_metadata</c>, <c>preview_id</c>, <c>id</c>. A field given with the wrong type
/// or out of bounds is an error naming it; an absent field stays null.
/// </summary>
public sealed record AssetFields
{
    public string? Name { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public string? MimeType { get; init; }

    public string? UserMetadata { get; init; }

    public Guid? PreviewId { get; init; }

    public Guid? Id { get; init; }

    /// <summary>How many of the known fields the body set.</summary>
    public int Count { get; init; }

    public static (AssetFields? Fields, string? Error) Read(JsonElement body, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, "The body must be a JSON object.");
        }

        var fields = new AssetFields();
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            var (next, error) = property.Name switch
            {
                "name" => Text(value) is { } name
                    ? AssetRules.NameProblem(name) is { } problem ? (fields, problem) : (fields with { Name = name }, null)
                    : (fields, "name must be a string."),
                "mime_type" => Text(value) is { } mime
                    ? AssetRules.MimeTypeProblem(mime) is { } problem ? (fields, problem) : (fields with { MimeType = mime }, null)
                    : (fields, "mime_type must be a string."),
                "tags" => ReadTags(fields, value, options),
                "user_metadata" => AssetRules.NormalizeMetadata(value, options) is var (json, problem) && json is not null
                    ? (fields with { UserMetadata = json }, null)
                    : (fields, problem),
                "preview_id" => Uuid(value) is { } preview ? (fields with { PreviewId = preview }, null) : (fields, "preview_id must be a UUID."),
                "id" => Uuid(value) is { } id ? (fields with { Id = id }, null) : (fields, "id must be a UUID."),
                _ => (fields, (string?)null),
            };
            if (error is not null)
            {
                return (null, error);
            }

            fields = next == fields ? fields : next with { Count = fields.Count + 1 };
        }

        return (fields, null);
    }

    /// <summary>Tags from an upload form: repeated fields, each a JSON array or a comma-separated list.</summary>
    public static (IReadOnlyList<string>? Tags, string? Error) ReadFormTags(IReadOnlyList<string> values, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(values);
        var parts = new List<string>();
        foreach (var value in values)
        {
            if (value.TrimStart().StartsWith('['))
            {
                try
                {
                    using var document = JsonDocument.Parse(value);
                    if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
                    {
                        return (null, "tags must be an array of strings.");
                    }

                    parts.AddRange(document.RootElement.EnumerateArray().Select(t => t.GetString()!));
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException)
                {
                    return (null, "tags must be a JSON array of strings or a comma-separated list.");
                }
            }
            else
            {
                parts.AddRange(value.Split(',').Where(part => part.Trim().Length > 0));
            }

            if (parts.Count > options.MaxTags)
            {
                return (null, $"At most {options.MaxTags} tags are allowed.");
            }
        }

        return AssetRules.NormalizeTags(parts, options);
    }

    private static (AssetFields, string?) ReadTags(AssetFields fields, JsonElement value, AssetOptions options)
    {
        var (tags, problem) = ReadTagArray(value, options);
        return tags is null ? (fields, problem) : (fields with { Tags = tags }, null);
    }

    /// <summary>Tags from a JSON body: an array of strings, at most <see cref="AssetOptions.MaxTags"/>, normalized.</summary>
    public static (IReadOnlyList<string>? Tags, string? Error) ReadTagArray(JsonElement value, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
        {
            return (null, "tags must be an array of strings.");
        }

        if (value.GetArrayLength() > options.MaxTags)
        {
            return (null, $"At most {options.MaxTags} tags are allowed.");
        }

        return AssetRules.NormalizeTags([.. value.EnumerateArray().Select(t => t.GetString())], options);
    }

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Guid? Uuid(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && Guid.TryParseExact(value.GetString(), "D", out var id) ? id : null;
}
