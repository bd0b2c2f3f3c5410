using System.Numerics;
using Gantry.Engine.Catalog;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>
/// What a link input <c>[source_id, slot]</c> points at, with Python's errors for a bad id or slot, as ComfyUI's
/// validation indexes <c>prompt[o_id]</c> and <c>RETURN_TYPES[slot]</c>.
/// </summary>
internal static class LinkSources
{
    // prompt[o_id]: a missing id is a KeyError with the key's repr; lists and dicts are unhashable.
    public static PromptNode FindSource(Prompt prompt, JValue id)
    {
        if (id is JArray or JObject)
        {
            throw NodeException.TypeError($"unhashable type: '{PyFormat.TypeName(id)}'");
        }

        return id is JString s && prompt.Find(s.Value) is { } node ? node : throw NodeException.KeyError(id);
    }

    // RETURN_TYPES[slot] with Python indexing rules.
    public static JValue OutputType(NodeInfo source, JValue slot)
    {
        BigInteger index = slot switch
        {
            JInt i => i.Value,
            JBool b => b.Value ? 1 : 0,
            _ => throw NodeException.TypeError($"tuple indices must be integers or slices, not {PyFormat.TypeName(slot)}"),
        };
        var count = source.Outputs.Count;
        var resolved = index < 0 ? index + count : index;
        if (resolved < 0 || resolved >= count)
        {
            throw NodeException.IndexError("tuple index out of range");
        }

        return source.Outputs[(int)resolved].Type;
    }
}
