using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>ComfyUI's <c>validate_node_input</c>: when a linked output type fits an input type.</summary>
internal static class IoTypes
{
    /// <summary>V3 MatchType inputs/outputs accept anything (the frontend checks them).</summary>
    private const string MatchType = "COMFY_MATCHTYPE_V3";

    /// <summary>
    /// Equal types match; "*" (ComfyUI's AnyType) and MatchType match anything; otherwise both are split
    /// on ',' and match when the sets intersect.
    /// </summary>
    public static bool Match(JValue received, JValue input)
    {
        if (received.Equals(input))
        {
            return true;
        }

        var r = received.AsString;
        var i = input.AsString;
        if (r is "*" or MatchType || i is "*" or MatchType)
        {
            return true;
        }

        if (r is null || i is null)
        {
            return false;
        }

        var receivedSet = r.Split(',').Select(t => t.Trim()).ToHashSet(StringComparer.Ordinal);
        return i.Split(',').Select(t => t.Trim()).Any(receivedSet.Contains);
    }
}
