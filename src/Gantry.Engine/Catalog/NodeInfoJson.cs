using Gantry.Engine.Json;

namespace Gantry.Engine.Catalog;

/// <summary>Reads and writes ComfyUI's per-class <c>/object_info</c> entry.</summary>
internal static class NodeInfoJson
{
    /// <summary>Option flags that mark an upload widget; ComfyUI's loaders validate these by file existence.</summary>
    private static readonly string[] UploadFlags = ["image_upload", "audio_upload", "video_upload", "file_upload", "upload"];

    public static JObject Write(NodeInfo info)
    {
        var input = new JObjectBuilder { ["required"] = Section(info.RequiredInputs) };
        var order = new JObjectBuilder { ["required"] = JArray.OfStrings(info.RequiredInputs.Select(i => i.Name)) };
        if (info.OptionalInputs.Any())
        {
            input["optional"] = Section(info.OptionalInputs);
            order["optional"] = JArray.OfStrings(info.OptionalInputs.Select(i => i.Name));
        }

        if (info.Hidden.Count > 0)
        {
            input["hidden"] = new JObject(info.Hidden.Select(h => new KeyValuePair<string, JValue>(h.Name, new JString(h.Kind))));
            order["hidden"] = JArray.OfStrings(info.Hidden.Select(h => h.Name));
        }

        var json = new JObjectBuilder
        {
            ["input"] = input.Build(),
            ["input_order"] = order.Build(),
            ["is_input_list"] = info.IsInputList,
            ["output"] = new JArray(info.Outputs.Select(o => o.Type)),
            ["output_is_list"] = new JArray(info.Outputs.Select(o => (JValue)o.IsList)),
            ["output_name"] = JArray.OfStrings(info.Outputs.Select(o => o.Name)),
            ["output_tooltips"] = new JArray(info.Outputs.Select(o => JValue.From(o.Tooltip))),
            ["name"] = info.Name,
            ["display_name"] = info.DisplayName,
            ["description"] = info.Description,
            ["python_module"] = info.PythonModule,
            ["category"] = info.Category,
            ["output_node"] = info.OutputNode,
            ["has_intermediate_output"] = info.HasIntermediateOutput,
        };
        AddFlag(json, "deprecated", info.Deprecated);
        AddFlag(json, "experimental", info.Experimental);
        AddFlag(json, "dev_only", info.DevOnly);
        json["api_node"] = info.ApiNode;
        json["search_aliases"] = JArray.OfStrings(info.SearchAliases);
        if (info.EssentialsCategory is not null)
        {
            json["essentials_category"] = info.EssentialsCategory;
        }

        return json.Build();
    }

    public static NodeInfo Read(string name, JValue json)
    {
        var obj = json as JObject ?? JObject.Empty;
        var inputs = new List<InputSpec>();
        var hidden = new List<HiddenInputSpec>();
        if (obj["input"] is JObject input)
        {
            ReadSection(input["required"], InputSection.Required, inputs);
            ReadSection(input["optional"], InputSection.Optional, inputs);
            if (input["hidden"] is JObject hiddenSection)
            {
                foreach (var (hiddenName, kind) in hiddenSection)
                {
                    var kindText = kind.AsString ?? (kind is JArray { Count: > 0 } a ? a[0].AsString : null);
                    hidden.Add(new HiddenInputSpec(hiddenName, kindText ?? string.Empty));
                }
            }
        }

        var uploads = inputs.Where(IsUpload).Select(i => i.Name).ToArray();
        return new NodeInfo(name, inputs, ReadOutputs(obj))
        {
            DisplayName = obj["display_name"]?.AsString ?? name,
            Category = obj["category"]?.AsString ?? "sd",
            Description = obj["description"]?.AsString ?? string.Empty,
            PythonModule = obj["python_module"]?.AsString ?? "nodes",
            OutputNode = IsTrue(obj["output_node"]),
            IsInputList = IsTrue(obj["is_input_list"]),
            Deprecated = IsTrue(obj["deprecated"]),
            Experimental = IsTrue(obj["experimental"]),
            DevOnly = IsTrue(obj["dev_only"]),
            ApiNode = IsTrue(obj["api_node"]),
            HasIntermediateOutput = IsTrue(obj["has_intermediate_output"]),
            Hidden = hidden,
            SearchAliases = obj["search_aliases"] is JArray aliases ? [.. aliases.Select(a => a.AsString).OfType<string>()] : [],
            EssentialsCategory = obj["essentials_category"]?.AsString,
            CustomValidation = uploads.Length > 0 ? new CustomInputValidation(uploads, validate: null) : null,
            Raw = json as JObject,
        };
    }

    private static JObject Section(IEnumerable<InputSpec> inputs) =>
        new(inputs.Select(i => new KeyValuePair<string, JValue>(i.Name, i.ToConfigJson())));

    private static void AddFlag(JObjectBuilder json, string key, bool value)
    {
        if (value)
        {
            json[key] = true;
        }
    }

    private static bool IsTrue(JValue? value) => value is JBool { Value: true };

    private static void ReadSection(JValue? section, InputSection kind, List<InputSpec> into)
    {
        if (section is not JObject members)
        {
            return;
        }

        foreach (var (inputName, spec) in members)
        {
            if (spec is JArray { Count: > 0 } array && array[0] is JString or JArray)
            {
                into.Add(new InputSpec(inputName, kind, array[0], array.Count > 1 ? array[1] as JObject : null));
            }
        }
    }

    private static List<OutputSpec> ReadOutputs(JObject obj)
    {
        var outputs = new List<OutputSpec>();
        if (obj["output"] is not JArray types)
        {
            return outputs;
        }

        var names = obj["output_name"] as JArray;
        var lists = obj["output_is_list"] as JArray;
        var tooltips = obj["output_tooltips"] as JArray;
        for (var i = 0; i < types.Count; i++)
        {
            var name = names is not null && i < names.Count ? names[i].AsString : null;
            var isList = lists is not null && i < lists.Count && IsTrue(lists[i]);
            var tooltip = tooltips is not null && i < tooltips.Count ? tooltips[i].AsString : null;
            outputs.Add(new OutputSpec(types[i], name ?? types[i].AsString ?? string.Empty, isList, tooltip));
        }

        return outputs;
    }

    private static bool IsUpload(InputSpec input) =>
        input.IsCombo && UploadFlags.Any(flag => IsTrue(input.Options[flag]));
}
