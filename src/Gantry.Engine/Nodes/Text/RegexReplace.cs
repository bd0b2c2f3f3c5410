using System.Text;
using Gantry.Engine.Json;

namespace Gantry.Engine.Nodes.Text;

/// <summary>
/// ComfyUI's RegexReplace ("Regex Replace"): Python's <c>re.sub</c> with its replacement template
/// (<see cref="PyReplacement"/>), at most <c>count</c> times (0: all). Unlike the other regex nodes, a bad pattern
/// or template fails the node with <c>re.error</c>, as ComfyUI's does (the message is .NET's, not Python's).
/// </summary>
public sealed class RegexReplace : ComfyNode
{
    protected override NodeSchema Define() => new("RegexReplace")
    {
        DisplayName = "Regex Replace",
        Category = "utils/string",
        Description = "Find and replace text using regex patterns.",
        PythonModule = "comfy_extras.nodes_string",
        Inputs =
        {
            Input.String("string", multiline: true),
            Input.String("regex_pattern", multiline: true),
            Input.String("replace", multiline: true),
            Input.Boolean("case_insensitive", @default: true).AsOptional(),
            Input.Boolean("multiline", @default: false).AsOptional(),
            Input.Boolean(
                "dotall",
                @default: false,
                tooltip: "When enabled, the dot (.) character will match any character including newline characters. When disabled, dots won't match newlines.").AsOptional(),
            Input.Int(
                "count",
                @default: 0,
                min: 0,
                max: 100,
                tooltip: "Maximum number of replacements to make. Set to 0 to replace all occurrences (default). Set to 1 to replace only the first match, 2 for the first two matches, etc.").AsOptional(),
        },
        Outputs = { Output.Of("STRING") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var regex = RegexFlags.Compile(inputs, inputs.Get<string>("regex_pattern"));
        var template = PyReplacement.Parse(inputs.Get<string>("replace"), regex);
        var text = inputs.Get<string>("string");
        var count = inputs.GetOrDefault("count", 0);
        return NodeOutput.Of(PyRegex.Bounded(() => Replace(regex, template, text, count)));
    }

    // Match by match (each search has its own time bound), refusing a result past StringReplace.MaxResultLength.
    private static string Replace(PyRegex regex, PyReplacement template, string text, int count)
    {
        var result = new StringBuilder();
        var copied = 0;
        var replaced = 0;
        for (var match = regex.Regex.Match(text); match.Success && (count == 0 || replaced < count); match = match.NextMatch())
        {
            result.Append(text, copied, match.Index - copied).Append(template.Expand(match));
            copied = match.Index + match.Length;
            replaced++;
            if (result.Length + (long)(text.Length - copied) > StringReplace.MaxResultLength)
            {
                throw new NodeException("MemoryError", $"the replaced string would exceed {StringReplace.MaxResultLength} characters");
            }
        }

        return result.Append(text, copied, text.Length - copied).ToString();
    }
}
