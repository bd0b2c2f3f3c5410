using Gantry.Engine.Json;

namespace Gantry.Engine.NodeModel;

/// <summary>
/// What a node call returns: one result per output slot and, optionally, UI for the client
/// (ComfyUI's <c>{"ui": {...}, "result": (...)}</c>).
/// </summary>
public sealed class NodeOutput
{
    private NodeOutput(IReadOnlyList<object?> results, UiOutput? ui)
    {
        Results = results;
        Ui = ui;
    }

    /// <summary>No results and no UI.</summary>
    public static NodeOutput Empty { get; } = new([], null);

    /// <summary>The result values, one per output slot (empty for nodes without outputs).</summary>
    public IReadOnlyList<object?> Results { get; }

    /// <summary>UI shown by the client and stored in history outputs; null when none.</summary>
    public UiOutput? Ui { get; }

    /// <summary>Results in output-slot order: <c>NodeOutput.Of(image, mask)</c>.</summary>
    public static NodeOutput Of(params object?[]? results) => new(results is null ? [null] : [.. results], null);

    /// <summary>UI without results (typical for output nodes such as SaveImage).</summary>
    public static NodeOutput WithUiOnly(UiOutput ui)
    {
        ArgumentNullException.ThrowIfNull(ui);
        return new NodeOutput([], ui);
    }

    /// <summary>A copy of these results with <paramref name="ui"/> attached.</summary>
    public NodeOutput WithUi(UiOutput ui)
    {
        ArgumentNullException.ThrowIfNull(ui);
        return new NodeOutput(Results, ui);
    }
}

/// <summary>
/// A file a node wrote, as the client finds it: <c>{"filename", "subfolder", "type"}</c> where
/// type is "output", "temp" or "input"; fetched with <c>/view?filename=&amp;subfolder=&amp;type=</c>.
/// </summary>
public readonly record struct UiFile(string Filename, string Subfolder, string Type)
{
    public JObject ToJson() => new JObjectBuilder
    {
        ["filename"] = Filename,
        ["subfolder"] = Subfolder,
        ["type"] = Type,
    }.Build();
}

/// <summary>
/// A node's UI dict: key → list of items, e.g. <c>{"images": [{...}]}</c> or <c>{"text": ["..."]}</c>.
/// When a node runs once per list index, the lists of all calls are concatenated per key.
/// </summary>
public sealed class UiOutput
{
    private readonly List<KeyValuePair<string, List<JValue>>> _entries = [];

    public bool IsEmpty => _entries.Count == 0;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    /// <summary><c>{"text": [...]}</c>.</summary>
    public static UiOutput Text(params string[] text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new UiOutput().Add("text", [.. text.Select(t => (JValue)new JString(t))]);
    }

    /// <summary><c>{"images": [{filename, subfolder, type}, ...]}</c>.</summary>
    public static UiOutput Images(params UiFile[] files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return new UiOutput().Add("images", [.. files.Select(f => (JValue)f.ToJson())]);
    }

    /// <summary>Appends items under <paramref name="key"/> (creating the key).</summary>
    public UiOutput Add(string key, params JValue[] items)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(items);
        var at = _entries.FindIndex(e => string.Equals(e.Key, key, StringComparison.Ordinal));
        if (at < 0)
        {
            _entries.Add(new KeyValuePair<string, List<JValue>>(key, [.. items]));
        }
        else
        {
            _entries[at].Value.AddRange(items);
        }

        return this;
    }

    /// <summary>Marks image output as animated: <c>"animated": [true]</c>.</summary>
    public UiOutput Animated(bool animated = true) => Add("animated", animated);

    public JObject ToJson() => new(_entries.Select(e => new KeyValuePair<string, JValue>(e.Key, new JArray(e.Value))));

    /// <summary>
    /// ComfyUI's merge of list-mapped calls: the keys of the first UI, each with the items of every
    /// call that has it. Null when no call returned UI or the merged dict is empty.
    /// </summary>
    internal static JObject? Merge(IReadOnlyList<UiOutput> uis)
    {
        if (uis.Count == 0)
        {
            return null;
        }

        var merged = new JObject(uis[0]._entries.Select(entry => new KeyValuePair<string, JValue>(
            entry.Key,
            new JArray(uis.SelectMany(ui => ui._entries.Where(e => string.Equals(e.Key, entry.Key, StringComparison.Ordinal)).SelectMany(e => e.Value))))));
        return merged.Count == 0 ? null : merged;
    }
}
