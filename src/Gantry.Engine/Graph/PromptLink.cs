using Gantry.Engine.Json;

namespace Gantry.Engine.Graph;

/// <summary>
/// A link input <c>["node_id", output_index]</c>. As in ComfyUI's <c>is_link</c>, only a 2-element
/// array whose first element is a string and second an integer is a link: <c>[4, 1]</c> is not.
/// </summary>
public readonly record struct PromptLink(string NodeId, long OutputIndex)
{
    public static bool TryParse(JValue value, out PromptLink link)
    {
        if (value is JArray { Count: 2 } array && array[0] is JString id && array[1] is JInt index && index.FitsInt64)
        {
            link = new PromptLink(id.Value, (long)index.Value);
            return true;
        }

        link = default;
        return false;
    }

    /// <summary>Resolves the output index against <paramref name="count"/> outputs, Python style (-1 is the last).</summary>
    public bool TryResolveIndex(int count, out int index)
    {
        var resolved = OutputIndex < 0 ? OutputIndex + count : OutputIndex;
        index = (int)Math.Clamp(resolved, -1, int.MaxValue);
        return resolved >= 0 && resolved < count;
    }

    public JArray ToJson() => JArray.Of(new JString(NodeId), new JInt(OutputIndex));
}
