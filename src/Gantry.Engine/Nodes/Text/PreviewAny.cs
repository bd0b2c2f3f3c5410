using Gantry.Engine.Json;

namespace Gantry.Engine.Nodes.Text;

/// <summary>
/// ComfyUI's PreviewAny ("Preview as Text"; older builds called it "Preview Any"): an output node that
/// shows any input as text in its UI (<c>{"text": [...]}</c>) and passes that text on. Strings show as
/// they are, numbers and booleans as Python prints them, JSON containers as <c>json.dumps(indent=4)</c>,
/// anything else by its description.
/// </summary>
public sealed class PreviewAny : ComfyNode
{
    protected override NodeSchema Define() => new("PreviewAny")
    {
        DisplayName = "Preview as Text",
        Category = "utilities",
        PythonModule = "comfy_extras.nodes_preview_any",
        IsOutputNode = true,
        SearchAliases = { "show output", "inspect", "debug", "print value", "show text" },
        Inputs = { Input.Of("source", "*") },
        Outputs = { Output.Of("STRING") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var text = Describe(inputs["source"]);
        return NodeOutput.Of(text).WithUi(UiOutput.Text(text));
    }

    private static string Describe(object? source) => source switch
    {
        null => "None",
        string s => s,
        JArray or JObject => JWriter.ToPythonIndented((JValue)source),
        _ => PyFormat.Str(source),
    };
}
