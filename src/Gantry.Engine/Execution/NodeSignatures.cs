using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Gantry.Engine.Catalog;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

/// <summary>
/// ComfyUI's recursive input signature, hashed: class type, the node's fingerprint (IS_CHANGED),
/// its id when NOT_IDEMPOTENT or taking UNIQUE_ID, every input sorted by name (literals by value with
/// Python's equality, so 1, 1.0 and true are one key; links by the signature of the linked node and
/// slot). Null means "never cache": a fingerprint that threw, a NaN literal, a missing or cyclic ancestor.
/// </summary>
internal sealed class NodeSignatures
{
    private readonly Prompt _prompt;
    private readonly Func<string, NodeInfo?> _infoOf;
    private readonly Func<string, ComfyNode?> _create;
    private readonly EngineFolders _folders;
    private readonly Dictionary<string, string?> _signatures = new(StringComparer.Ordinal);

    // IS_CHANGED results by node: the fingerprint, or NaN where it threw (as ComfyUI records a failed IS_CHANGED).
    private readonly Dictionary<string, JValue> _isChanged = new(StringComparer.Ordinal);
    private JObject? _promptAsRecorded;

    public NodeSignatures(Prompt prompt, Func<string, NodeInfo?> infoOf, Func<string, ComfyNode?> create, EngineFolders folders)
    {
        _prompt = prompt;
        _infoOf = infoOf;
        _create = create;
        _folders = folders;
    }

    /// <summary>Signatures computed so far (each node's once).</summary>
    public int Computed { get; private set; }

    /// <summary>
    /// The node's signature. Its ancestors' come first, in an iterative depth-first walk with its own stack (a chain
    /// of any length takes no thread stack); an ancestor met again on the walk's path is a cycle and has none.
    /// </summary>
    public string? Of(string nodeId)
    {
        if (_signatures.TryGetValue(nodeId, out var known))
        {
            return known;
        }

        var onPath = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<(string NodeId, bool Expanded)>([(nodeId, false)]);
        while (stack.Count > 0)
        {
            var (id, expanded) = stack.Pop();
            if (_signatures.ContainsKey(id))
            {
                continue;
            }

            if (expanded)
            {
                onPath.Remove(id);
                _signatures[id] = Compute(id);
                Computed++;
                continue;
            }

            onPath.Add(id);
            stack.Push((id, true));
            if (_prompt.Find(id)?.Inputs is not { } inputs)
            {
                continue;
            }

            foreach (var (_, value) in inputs)
            {
                if (PromptLink.TryParse(value, out var link) && !onPath.Contains(link.NodeId) && !_signatures.ContainsKey(link.NodeId))
                {
                    stack.Push((link.NodeId, false));
                }
            }
        }

        return _signatures[nodeId];
    }

    private string? Compute(string nodeId)
    {
        var node = _prompt.Find(nodeId);
        if (node?.ClassType is not { } classType || _infoOf(classType) is not { } info || node.Inputs is not { } inputs)
        {
            return null;
        }

        var text = new StringBuilder();
        text.Append("class\0").Append(classType).Append('\0');
        if (!TryFingerprint(nodeId, node, info, inputs, out var fingerprint))
        {
            return null;
        }

        text.Append("fingerprint\0").Append(fingerprint is null ? "\u0001" : "\u0002" + fingerprint).Append('\0');
        if (info.NotIdempotent || info.TakesUniqueId)
        {
            text.Append("id\0").Append(nodeId).Append('\0');
        }

        foreach (var (name, value) in inputs.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            text.Append("input\0").Append(name).Append('\0');
            if (PromptLink.TryParse(value, out var link))
            {
                // Computed before this node, unless it is on the path to it (a cycle): then there is no signature.
                if (_signatures.GetValueOrDefault(link.NodeId) is not { } ancestor)
                {
                    return null;
                }

                text.Append("link\0").Append(ancestor).Append('\0').Append(link.OutputIndex.ToString(CultureInfo.InvariantCulture)).Append('\0');
            }
            else if (!AppendCanonical(text, value))
            {
                return null;
            }
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// The prompt as ComfyUI hands it to nodes (and writes into the PNG <c>prompt</c> chunk): each node whose class
    /// has IS_CHANGED gains <c>"is_changed": [result]</c> (LoadImage: the file's SHA-256), NaN when it threw,
    /// as ComfyUI's cache pass writes into the prompt's node dicts before anything runs.
    /// </summary>
    public JObject PromptAsRecorded()
    {
        if (_promptAsRecorded is { } known)
        {
            return known;
        }

        foreach (var (nodeId, _) in _prompt.Json)
        {
            Of(nodeId);
        }

        var members = _prompt.Json.Select(member => member.Value is JObject node && _isChanged.TryGetValue(member.Key, out var changed) && !node.TryGetValue("is_changed", out _)
            ? new KeyValuePair<string, JValue>(member.Key, node.With("is_changed", changed))
            : member);
        _promptAsRecorded = _isChanged.Count == 0 ? _prompt.Json : new JObject(members);
        return _promptAsRecorded;
    }

    private bool TryFingerprint(string nodeId, PromptNode node, NodeInfo info, JObject inputs, out string? fingerprint)
    {
        fingerprint = null;
        if (_create(node.ClassType!) is not { } instance)
        {
            return true;
        }

        try
        {
            var constants = ConstantInputs.ToInputs(ConstantInputs.Build(nodeId, info, inputs));
            fingerprint = instance.Fingerprint(constants, new NodeEnvironment(nodeId, _folders));
            if (fingerprint is not null)
            {
                _isChanged[nodeId] = JArray.OfStrings([fingerprint]);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _isChanged[nodeId] = new JFloat(double.NaN);
            return false;
        }
    }

    // Python hashing: 1 == 1.0 == True share a key; dict order does not matter; NaN matches nothing.
    private static bool AppendCanonical(StringBuilder text, JValue value)
    {
        switch (value)
        {
            case JNull:
                text.Append('n');
                return true;
            case JBool b:
                text.Append("i:").Append(b.Value ? '1' : '0');
                return true;
            case JInt i:
                text.Append("i:").Append(i.Value.ToString(CultureInfo.InvariantCulture));
                return true;
            case JFloat f when double.IsNaN(f.Value):
                return false;
            case JFloat f when !double.IsInfinity(f.Value) && Math.Truncate(f.Value) == f.Value:
                text.Append("i:").Append(new BigInteger(f.Value).ToString(CultureInfo.InvariantCulture));
                return true;
            case JFloat f:
                text.Append("f:").Append(PyFloat.Json(f.Value));
                return true;
            case JString s:
                JWriter.WriteString(text, s.Value, asciiOnly: false);
                return true;
            case JArray a:
                text.Append('[');
                foreach (var item in a)
                {
                    if (!AppendCanonical(text, item))
                    {
                        return false;
                    }

                    text.Append(',');
                }

                text.Append(']');
                return true;
            case JObject o:
                text.Append('{');
                foreach (var (key, item) in o.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    JWriter.WriteString(text, key, asciiOnly: false);
                    text.Append(':');
                    if (!AppendCanonical(text, item))
                    {
                        return false;
                    }

                    text.Append(',');
                }

                text.Append('}');
                return true;
            default:
                return false;
        }
    }
}
