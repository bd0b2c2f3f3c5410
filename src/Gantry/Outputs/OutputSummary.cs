using System.Buffers;
using System.Text.Json;
using Gantry.Domain;

namespace Gantry.Outputs;

/// <summary>
/// What the job lists show of a finished job's outputs, computed from the ComfyUI <c>outputs</c> map as
/// ComfyUI's jobs API does: the number of output items, the one item to preview, and which media the
/// outputs hold (for <c>output_type=</c>).
/// </summary>
public sealed record OutputSummary(int Count, byte[]? PreviewOutputJson, OutputMediaTypes MediaTypes)
{
    public static readonly OutputSummary Empty = new(0, null, OutputMediaTypes.None);

    private static readonly string[] PreviewableKeys = ["images", "video", "audio", "3d", "text"];
    private static readonly string[] ThreeDExtensions = [".obj", ".fbx", ".gltf", ".glb", ".usdz"];
    private static readonly string[] TextExtensions = [".txt", ".md", ".json"];
    private static readonly string[] VideoExtensions = [".mp4", ".webm", ".mov", ".mkv", ".avi", ".gif"];
    private static readonly string[] AudioExtensions = [".wav", ".mp3", ".flac", ".ogg", ".opus", ".m4a", ".aac"];

    /// <summary>Reads an outputs map (<c>{node_id: {images: [...], ...}}</c>); anything unreadable counts as no outputs.</summary>
    public static OutputSummary Of(ReadOnlySpan<byte> outputsJson)
    {
        if (outputsJson.IsEmpty)
        {
            return Empty;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(outputsJson.ToArray());
        }
        catch (JsonException)
        {
            return Empty;
        }

        using (document)
        {
            return Of(document.RootElement);
        }
    }

    public static OutputSummary Of(JsonElement outputs)
    {
        if (outputs.ValueKind != JsonValueKind.Object)
        {
            return Empty;
        }

        var count = 0;
        var media = OutputMediaTypes.None;
        Candidate? outputVisual = null, anyVisual = null, textFile = null, rawText = null;
        foreach (var (nodeId, key, item) in OutputsMap.Items(outputs))
        {
            if (key == "animated")
            {
                continue;
            }

            if (item.ValueKind == JsonValueKind.Object)
            {
                count++;
                var filename = item.TryGetProperty("filename", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "";
                var format = item.TryGetProperty("format", out var fm) && fm.ValueKind == JsonValueKind.String ? fm.GetString()! : "";
                var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var kind = MediaOf(key, filename, format);
                media |= kind;
                var isText = HasExtension(filename, TextExtensions);
                var previewable = Array.IndexOf(PreviewableKeys, key) >= 0
                    || format.StartsWith("video/", StringComparison.Ordinal) || format.StartsWith("audio/", StringComparison.Ordinal)
                    || HasExtension(filename, ThreeDExtensions) || isText;
                if (!previewable)
                {
                    continue;
                }

                var candidate = new Candidate(nodeId, key, item, null);
                if (isText && key != "images")
                {
                    textFile ??= candidate;
                }
                else if (type == "output")
                {
                    outputVisual ??= candidate;
                }
                else
                {
                    anyVisual ??= candidate;
                }
            }
            else if (item.ValueKind == JsonValueKind.String)
            {
                var text = item.GetString()!;
                if (HasExtension(text, ThreeDExtensions))
                {
                    count++;
                    outputVisual ??= new Candidate(nodeId, "3d", default, text);
                }
                else if (key == "text")
                {
                    rawText ??= new Candidate(nodeId, "text", default, text, IsRawText: true);
                }
            }
        }

        var chosen = outputVisual ?? anyVisual ?? textFile ?? rawText;
        return new OutputSummary(count, chosen is null ? null : WritePreview(chosen.Value), media);
    }

    private static OutputMediaTypes MediaOf(string key, string filename, string format)
    {
        if (key is "video" or "gifs" || format.StartsWith("video/", StringComparison.Ordinal))
        {
            return OutputMediaTypes.Video;
        }

        if (key == "audio" || format.StartsWith("audio/", StringComparison.Ordinal) || HasExtension(filename, AudioExtensions))
        {
            return OutputMediaTypes.Audio;
        }

        if (key == "images")
        {
            return HasExtension(filename, VideoExtensions) && !filename.EndsWith(".gif", StringComparison.OrdinalIgnoreCase)
                ? OutputMediaTypes.Video
                : OutputMediaTypes.Image;
        }

        return HasExtension(filename, VideoExtensions) ? OutputMediaTypes.Video : OutputMediaTypes.None;
    }

    private static bool HasExtension(string name, string[] extensions)
        => extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    private static byte[] WritePreview(Candidate candidate)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (candidate.IsRawText)
            {
                var text = candidate.Text!;
                writer.WriteString("content", text.Length > 1024 ? text[..1024] : text);
                if (text.Length > 1024)
                {
                    writer.WriteBoolean("truncated", true);
                }

                writer.WriteString("nodeId", candidate.NodeId);
                writer.WriteString("mediaType", "text");
            }
            else if (candidate.Text is { } modelFile)
            {
                writer.WriteString("filename", modelFile);
                writer.WriteString("type", "output");
                writer.WriteString("subfolder", "");
                writer.WriteString("nodeId", candidate.NodeId);
                writer.WriteString("mediaType", "3d");
            }
            else
            {
                var hasMediaType = false;
                foreach (var property in candidate.Item.EnumerateObject())
                {
                    hasMediaType |= property.NameEquals("mediaType");
                    if (!property.NameEquals("nodeId"))
                    {
                        property.WriteTo(writer);
                    }
                }

                writer.WriteString("nodeId", candidate.NodeId);
                if (!hasMediaType)
                {
                    writer.WriteString("mediaType", candidate.Key);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private readonly record struct Candidate(string NodeId, string Key, JsonElement Item, string? Text, bool IsRawText = false);
}
