namespace Gantry.Engine.Nodes.Text;

/// <summary>
/// ComfyUI's RegexMatch ("Regex Match"): whether <c>re.search</c> finds the pattern anywhere; a pattern Python rejects
/// gives false, not an error (see <see cref="PyRegex"/> for the syntax translated and its limits).
/// </summary>
public sealed class RegexMatch : ComfyNode
{
    protected override NodeSchema Define() => new("RegexMatch")
    {
        DisplayName = "Regex Match",
        Category = "utils/string",
        PythonModule = "comfy_extras.nodes_string",
        Inputs =
        {
            Input.String("string", multiline: true),
            Input.String("regex_pattern", multiline: true),
            Input.Boolean("case_insensitive", @default: true),
            Input.Boolean("multiline", @default: false),
            Input.Boolean("dotall", @default: false),
        },
        Outputs = { Output.Of("BOOLEAN", name: "matches") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        PyRegex regex;
        try
        {
            regex = RegexFlags.Compile(inputs, inputs.Get<string>("regex_pattern"));
        }
        catch (PyRegexException)
        {
            return NodeOutput.Of(false);
        }

        var text = inputs.Get<string>("string");
        return NodeOutput.Of(PyRegex.Bounded(() => regex.Regex.IsMatch(text)));
    }
}
