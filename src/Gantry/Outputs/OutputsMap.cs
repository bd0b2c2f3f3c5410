using System.Text.Json;

namespace Gantry.Outputs;

/// <summary>
/// The one reader of ComfyUI's outputs map, <c>{node_id: {key: [item, …], …}, …}</c> (a history item's
/// <c>outputs</c>, or one node's UI output under its id): every item of every list, in order, with the node and key
/// it is under. Nodes that are not objects and values that are not lists are skipped. The importer, the job
/// summaries and the v2 job views all read through it.
/// </summary>
public static class OutputsMap
{
    /// <summary>Every list item of the map, in order; nothing when the map is not an object.</summary>
    public static IEnumerable<OutputItem> Items(JsonElement outputs)
    {
        if (outputs.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var node in outputs.EnumerateObject())
        {
            if (node.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var entry in node.Value.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var item in entry.Value.EnumerateArray())
                {
                    yield return new OutputItem(node.Name, entry.Name, item);
                }
            }
        }
    }

    /// <summary>Every <c>{filename, subfolder, type}</c> item of the map, in order.</summary>
    public static IEnumerable<OutputFileRef> Files(JsonElement outputs)
    {
        foreach (var item in Items(outputs))
        {
            if (item.TryGetFile(out var file))
            {
                yield return file;
            }
        }
    }
}

/// <summary>One item of an outputs map: the node it came from, the key of its list (<c>images</c>, <c>gifs</c>, <c>text</c>…), the value.</summary>
public readonly record struct OutputItem(string NodeId, string Key, JsonElement Value)
{
    /// <summary>The item as a file reference (<see cref="OutputFileRef.TryRead"/>).</summary>
    public bool TryGetFile(out OutputFileRef file) => OutputFileRef.TryRead(Value, out file);
}

/// <summary>A file as an outputs map names it.</summary>
public readonly record struct OutputFileRef(string Type, string Subfolder, string Filename)
{
    /// <summary>
    /// Reads <c>{filename, subfolder, type}</c>: a non-empty string <c>filename</c> is required; <c>subfolder</c>
    /// defaults to empty and <c>type</c> to <c>output</c> when absent or not strings.
    /// </summary>
    public static bool TryRead(JsonElement item, out OutputFileRef reference)
    {
        reference = default;
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("filename", out var filename) || filename.ValueKind != JsonValueKind.String
            || filename.GetString() is not { Length: > 0 } name)
        {
            return false;
        }

        var subfolder = item.TryGetProperty("subfolder", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
        var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "output";
        reference = new OutputFileRef(type, subfolder, name);
        return true;
    }
}
