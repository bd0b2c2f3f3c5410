using System.Text;

namespace Gantry.Engine.Tests.Graphs;

/// <summary>Large graphs written out as API-format JSON.</summary>
internal static class Chains
{
    /// <summary>TestCounter nodes "1".."length", each linked to the one before, and a PreviewAny "out" at the end.</summary>
    public static string Linear(int length)
    {
        var json = new StringBuilder("""{"1": {"class_type": "TestCounter", "inputs": {"value": 0}}""");
        for (var i = 2; i <= length; i++)
        {
            json.Append($$$""", "{{{i}}}": {"class_type": "TestCounter", "inputs": {"value": ["{{{i - 1}}}", 0]}}""");
        }

        json.Append($$$""", "out": {"class_type": "PreviewAny", "inputs": {"source": ["{{{length}}}", 0]}}""").Append('}');
        return json.ToString();
    }

    /// <summary>StringConcatenate nodes "1".."length" in a ring (each links the next, the last the first), watched by a PreviewAny.</summary>
    public static string Cycle(int length)
    {
        var json = new StringBuilder("""{"out": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}""");
        for (var i = 1; i <= length; i++)
        {
            var next = i == length ? 1 : i + 1;
            json.Append($$$""", "{{{i}}}": {"class_type": "StringConcatenate", "inputs": {"string_a": ["{{{next}}}", 0], "string_b": "x", "delimiter": ""}}""");
        }

        return json.Append('}').ToString();
    }
}
