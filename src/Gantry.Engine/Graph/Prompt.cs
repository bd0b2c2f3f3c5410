using System.Diagnostics.CodeAnalysis;
using Gantry.Engine.Json;

namespace Gantry.Engine.Graph;

/// <summary>
/// An API-format prompt: a JSON object of node id → node. Immutable. Build one from parsed JSON
/// with <see cref="TryCreate"/>; validation returns a coerced copy (ValidationResult.Prompt)
/// whose <see cref="Json"/> is what ComfyUI would store and execute.
/// </summary>
public sealed class Prompt
{
    private readonly Dictionary<string, PromptNode> _byId;

    private Prompt(JObject json)
    {
        Json = json;
        Nodes = [.. json.Select(member => new PromptNode(member.Key, member.Value))];
        _byId = Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
    }

    /// <summary>The whole prompt as JSON.</summary>
    public JObject Json { get; }

    /// <summary>The nodes in the order they were submitted.</summary>
    public IReadOnlyList<PromptNode> Nodes { get; }

    public int Count => Nodes.Count;

    /// <summary>A prompt from any JSON value; false (and no exception) when it is not an object.</summary>
    public static bool TryCreate(JValue json, [NotNullWhen(true)] out Prompt? prompt)
    {
        prompt = json is JObject obj ? new Prompt(obj) : null;
        return prompt is not null;
    }

    public static Prompt Create(JObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new Prompt(json);
    }

    /// <summary>Parses API-format JSON text; throws <see cref="FormatException"/> for malformed JSON or a non-object.</summary>
    public static Prompt Parse(string json) =>
        TryCreate(JParser.Parse(json), out var prompt) ? prompt : throw new FormatException("A prompt must be a JSON object.");

    public bool Contains(string nodeId) => _byId.ContainsKey(nodeId);

    public PromptNode? Find(string nodeId) => _byId.GetValueOrDefault(nodeId);

    /// <summary>A copy whose listed nodes get new <c>inputs</c> objects; everything else is kept as is.</summary>
    internal Prompt WithInputs(IReadOnlyDictionary<string, JObject> replacedInputs)
    {
        if (replacedInputs.Count == 0)
        {
            return this;
        }

        var members = Json.Select(member =>
            replacedInputs.TryGetValue(member.Key, out var inputs) && member.Value is JObject node
                ? new KeyValuePair<string, JValue>(member.Key, node.With("inputs", inputs))
                : member);
        return new Prompt(new JObject(members));
    }
}
