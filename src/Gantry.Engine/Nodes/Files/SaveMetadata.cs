using Gantry.Engine.Json;
using Gantry.Engine.Nodes.Common;

namespace Gantry.Engine.Nodes.Files;

/// <summary>
/// The metadata ComfyUI's save nodes embed: <c>prompt</c> (when the node has one) and then each
/// <c>extra_pnginfo</c> entry (normally <c>workflow</c>), each value as Python's <c>json.dumps</c> writes it.
/// </summary>
internal static class SaveMetadata
{
    public static IReadOnlyList<KeyValuePair<string, string>> Entries(JValue? prompt, JValue? extraPngInfo)
    {
        var entries = new List<KeyValuePair<string, string>>();
        if (prompt is not null and not JNull)
        {
            entries.Add(new("prompt", PythonJson.Dumps(prompt)));
        }

        switch (extraPngInfo)
        {
            case null or JNull:
                break;
            case JObject extras:
                entries.AddRange(extras.Select(e => new KeyValuePair<string, string>(e.Key, PythonJson.Dumps(e.Value))));
                break;
            default:
                throw NodeException.TypeError($"extra_pnginfo must be a dict, not {PyFormat.TypeName(extraPngInfo)}");
        }

        return entries;
    }

    /// <summary>Python's <c>text.encode("latin-1", "strict")</c>: a UnicodeEncodeError for a character past U+00FF.</summary>
    public static byte[] Latin1(string text)
    {
        var position = 0;
        for (var i = 0; i < text.Length; i++, position++)
        {
            if (text[i] <= '\u00FF')
            {
                continue;
            }

            var codePoint = char.IsSurrogatePair(text, i) ? char.ConvertToUtf32(text[i], text[i + 1]) : text[i];
            var escaped = codePoint > 0xFFFF ? $"\\U{codePoint:x8}" : $"\\u{codePoint:x4}";
            throw new NodeException(
                "UnicodeEncodeError",
                $"'latin-1' codec can't encode character '{escaped}' in position {position}: ordinal not in range(256)");
        }

        return System.Text.Encoding.Latin1.GetBytes(text);
    }
}
