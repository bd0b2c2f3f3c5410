namespace Gantry.Engine.Imaging.Codecs;

/// <summary>How <see cref="PngEncoder"/> writes a frame.</summary>
public sealed class PngEncodeOptions
{
    /// <summary>zlib level 0 (stored) to 9. ComfyUI's SaveImage uses 4, PreviewImage 1.</summary>
    public int CompressionLevel { get; init; } = 4;

    /// <summary>
    /// Text chunks, written in order right after IHDR: tEXt when key and text are Latin-1 (always so for
    /// ComfyUI's JSON, which is ASCII), uncompressed UTF-8 iTXt otherwise, as Pillow's PngInfo.add_text does.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> TextChunks { get; init; } = [];

    /// <summary>
    /// The text chunks SaveImage writes: <c>prompt</c> (the prompt as JSON) when given, then one chunk per
    /// extra_pnginfo entry (normally <c>workflow</c>) whose text is that entry's JSON.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> SaveImageText(string? promptJson, IEnumerable<KeyValuePair<string, string>>? extraPngInfoJson)
    {
        var chunks = new List<KeyValuePair<string, string>>();
        if (promptJson is not null)
        {
            chunks.Add(new("prompt", promptJson));
        }

        if (extraPngInfoJson is not null)
        {
            chunks.AddRange(extraPngInfoJson);
        }

        return chunks;
    }
}
