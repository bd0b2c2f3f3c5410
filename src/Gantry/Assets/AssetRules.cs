using System.Text;
using System.Text.Json;
using Gantry.Domain;

namespace Gantry.Assets;

/// <summary>
/// What an asset's name, tags and metadata may be, checked before anything is stored. Names are display text, never
/// paths on disk (the bytes are stored by hash), yet they become file names when an asset is given to a worker, so they
/// follow file-name rules: 1–255 UTF-8 bytes, valid Unicode, no control characters, no <c>/</c> or <c>\</c>.
/// Tags: 1–<see cref="AssetOptions.MaxTagBytes"/> bytes, no control characters, no comma (list parameters are
/// comma-separated), trimmed; at most <see cref="AssetOptions.MaxTags"/> distinct ones.
/// </summary>
public static class AssetRules
{
    public const int MaxNameBytes = 255;

    /// <summary>Longest top-level <c>user_metadata</c> key (each is indexed for <c>metadata_filter</c>).</summary>
    public const int MaxMetadataKeyBytes = 255;

    /// <summary>Why the name cannot be stored, or null.</summary>
    public static string? NameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || string.IsNullOrWhiteSpace(name))
        {
            return "The name must not be empty.";
        }

        if (!WellFormedText.IsWellFormed(name))
        {
            return "The name must be valid Unicode text (no lone UTF-16 surrogates).";
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
        {
            return $"The name is longer than {MaxNameBytes} bytes in UTF-8.";
        }

        if (name.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            return "The name must not contain control characters, '/' or '\\'.";
        }

        return name is "." or ".." ? "The name must not be '.' or '..'." : null;
    }

    /// <summary>The tags trimmed, distinct and sorted, or why they cannot be stored.</summary>
    public static (IReadOnlyList<string>? Tags, string? Problem) NormalizeTags(IEnumerable<string?> tags, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(options);
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in tags)
        {
            var tag = raw?.Trim();
            if (string.IsNullOrEmpty(tag))
            {
                return (null, "A tag must not be empty.");
            }

            if (!WellFormedText.IsWellFormed(tag) || tag.Any(c => char.IsControl(c) || c == ','))
            {
                return (null, "A tag must be valid Unicode text without control characters or commas.");
            }

            if (Encoding.UTF8.GetByteCount(tag) > options.MaxTagBytes)
            {
                return (null, $"A tag is longer than {options.MaxTagBytes} bytes in UTF-8.");
            }

            set.Add(tag);
            if (set.Count > options.MaxTags)
            {
                return (null, $"At most {options.MaxTags} tags are allowed.");
            }
        }

        return ([.. set], null);
    }

    /// <summary>A <c>user_metadata</c> value as compact JSON, or why it cannot be stored: it must be an object within the size bound.</summary>
    public static (string? Json, string? Problem) NormalizeMetadata(JsonElement metadata, AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            return (null, "user_metadata must be a JSON object.");
        }

        if (metadata.EnumerateObject().Any(property => Encoding.UTF8.GetByteCount(property.Name) > MaxMetadataKeyBytes || !WellFormedText.IsWellFormed(property.Name)))
        {
            return (null, $"user_metadata keys must be valid Unicode text of at most {MaxMetadataKeyBytes} bytes.");
        }

        var json = JsonSerializer.Serialize(metadata, AssetJsonContext.Default.JsonElement);
        if (!WellFormedText.IsWellFormed(json))
        {
            return (null, "user_metadata must be valid Unicode text (no lone UTF-16 surrogates).");
        }

        return Encoding.UTF8.GetByteCount(json) > options.MaxMetadataBytes
            ? (null, $"user_metadata is larger than {options.MaxMetadataBytes} bytes.")
            : (json, null);
    }

    /// <summary>A MIME type as <c>type/subtype</c> (parameters allowed), or why not.</summary>
    public static string? MimeTypeProblem(string mimeType)
    {
        ArgumentNullException.ThrowIfNull(mimeType);
        return mimeType.Length is 0 or > 255 || !mimeType.Contains('/', StringComparison.Ordinal) || mimeType.Any(c => c < 0x21 && c != ' ' || c > 0x7E)
            ? "mime_type must be a MIME type such as image/png."
            : null;
    }

    /// <summary>The top-level keys of a metadata object with each value as compact JSON: what <c>metadata_filter</c> matches on.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> MetadataKeys(string? json)
    {
        if (json is null)
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            keys[property.Name] = JsonSerializer.Serialize(property.Value, AssetJsonContext.Default.JsonElement);
        }

        return [.. keys];
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class AssetJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
