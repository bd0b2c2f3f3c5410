using System.Text;
using Gantry.Engine.Json;

namespace Gantry.Engine.Nodes.Text;

/// <summary>ComfyUI's StringReplace ("Replace"): Python's str.replace, every occurrence; an empty <c>find</c> inserts <c>replace</c> between all code points and at both ends.</summary>
public sealed class StringReplace : ComfyNode
{
    protected override NodeSchema Define() => new("StringReplace")
    {
        DisplayName = "Replace",
        Category = "utils/string",
        PythonModule = "comfy_extras.nodes_string",
        Inputs = { Input.String("string", multiline: true), Input.String("find", multiline: true), Input.String("replace", multiline: true) },
        Outputs = { Output.Of("STRING") },
    };

    /// <summary>The longest result built (in UTF-16 units); Python has no limit but memory, the engine refuses with MemoryError.</summary>
    public const int MaxResultLength = 64 * 1024 * 1024;

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var text = inputs.Get<string>("string");
        var find = inputs.Get<string>("find");
        var replace = inputs.Get<string>("replace");
        var occurrences = find.Length == 0 ? PyText.Length(text) + 1L : CountOf(text, find);
        if (text.Length + (occurrences * ((long)replace.Length - find.Length)) > MaxResultLength)
        {
            throw new NodeException("MemoryError", $"the replaced string would exceed {MaxResultLength} characters");
        }

        return NodeOutput.Of(find.Length == 0 ? InsertEverywhere(text, replace) : text.Replace(find, replace, StringComparison.Ordinal));
    }

    private static long CountOf(string text, string find)
    {
        long count = 0;
        for (var at = text.IndexOf(find, StringComparison.Ordinal); at >= 0; at = text.IndexOf(find, at + find.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    // Python: "ab".replace("", "-") == "-a-b-" (between code points, so a surrogate pair stays whole).
    private static string InsertEverywhere(string text, string insert)
    {
        var result = new StringBuilder(insert);
        for (var i = 0; i < text.Length; i++)
        {
            result.Append(text[i]);
            if (!(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])))
            {
                result.Append(insert);
            }
        }

        return result.ToString();
    }
}
