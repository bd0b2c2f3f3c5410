using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Nodes.Catalog;

/// <summary>
/// A node's <c>/object_info</c> entry written by hand from ComfyUI's definition, in the engine's entry shape
/// (every field the engine serves, in its order). Inputs are JSON object text, as ComfyUI declares them.
/// </summary>
public sealed record ExpectedNode(string Name, string DisplayName, string Category, string PythonModule)
{
    public string Required { get; init; } = "{}";

    public string? Optional { get; init; }

    public string? Hidden { get; init; }

    public string[] Outputs { get; init; } = [];

    /// <summary>Output names; the output types when null (ComfyUI's default).</summary>
    public string[]? OutputNames { get; init; }

    public string Description { get; init; } = string.Empty;

    public bool OutputNode { get; init; }

    public bool Deprecated { get; init; }

    public string[] SearchAliases { get; init; } = [];

    public string? EssentialsCategory { get; init; }

    public JObject ToJson()
    {
        var required = JsonAssert.Parse(Required).ShouldBeOfType<JObject>();
        var input = new JObjectBuilder { ["required"] = required };
        var order = new JObjectBuilder { ["required"] = JArray.OfStrings(required.Keys) };
        if (Optional is not null)
        {
            var optional = JsonAssert.Parse(Optional).ShouldBeOfType<JObject>();
            input["optional"] = optional;
            order["optional"] = JArray.OfStrings(optional.Keys);
        }

        if (Hidden is not null)
        {
            var hidden = JsonAssert.Parse(Hidden).ShouldBeOfType<JObject>();
            input["hidden"] = hidden;
            order["hidden"] = JArray.OfStrings(hidden.Keys);
        }

        var json = new JObjectBuilder
        {
            ["input"] = input.Build(),
            ["input_order"] = order.Build(),
            ["is_input_list"] = false,
            ["output"] = JArray.OfStrings(Outputs),
            ["output_is_list"] = new JArray(Outputs.Select(_ => (JValue)false)),
            ["output_name"] = JArray.OfStrings(OutputNames ?? Outputs),
            ["output_tooltips"] = new JArray(Outputs.Select(_ => JValue.Null)),
            ["name"] = Name,
            ["display_name"] = DisplayName,
            ["description"] = Description,
            ["python_module"] = PythonModule,
            ["category"] = Category,
            ["output_node"] = OutputNode,
            ["has_intermediate_output"] = false,
        };
        if (Deprecated)
        {
            json["deprecated"] = true;
        }

        json["api_node"] = false;
        json["search_aliases"] = JArray.OfStrings(SearchAliases);
        if (EssentialsCategory is not null)
        {
            json["essentials_category"] = EssentialsCategory;
        }

        return json.Build();
    }

    public override string ToString() => Name;
}
