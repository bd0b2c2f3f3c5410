using System.Text.RegularExpressions;
using Gantry.Engine.Json;

namespace Gantry.Engine.Nodes.Text;

/// <summary>
/// ComfyUI's RegexExtract ("Regex Extract"). First Match: the first whole match. All Matches: what
/// <c>re.findall</c> yields, so group 1 of each match when the pattern has groups (empty when it did not take
/// part), else the whole match, joined by newlines. First Group: group <c>group_index</c> of the first match (0 is
/// the whole match; empty when the pattern has fewer groups). All Groups: that group of every match. A pattern
/// Python rejects gives "". Where ComfyUI hands on None (First Group whose group did not take part) the engine
/// does too; where it fails joining a None (All Groups), the engine raises the same TypeError.
/// </summary>
public sealed class RegexExtract : ComfyNode
{
    protected override NodeSchema Define() => new("RegexExtract")
    {
        DisplayName = "Regex Extract",
        Category = "utils/string",
        PythonModule = "comfy_extras.nodes_string",
        Inputs =
        {
            Input.String("string", multiline: true),
            Input.String("regex_pattern", multiline: true),
            Input.Combo("mode", ["First Match", "All Matches", "First Group", "All Groups"]),
            Input.Boolean("case_insensitive", @default: true),
            Input.Boolean("multiline", @default: false),
            Input.Boolean("dotall", @default: false),
            Input.Int("group_index", @default: 1, min: 0, max: 100),
        },
        Outputs = { Output.Of("STRING") },
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
            return NodeOutput.Of(string.Empty);
        }

        var text = inputs.Get<string>("string");
        var index = inputs.Get<int>("group_index");
        return NodeOutput.Of(PyRegex.Bounded(() => inputs.Get<string>("mode") switch
        {
            "First Match" => regex.Regex.Match(text) is { Success: true } m ? m.Value : string.Empty,
            "All Matches" => string.Join("\n", regex.Regex.Matches(text).Select(m => regex.GroupCount > 0 ? PyRegex.Group(m, 1) ?? string.Empty : m.Value)),
            "First Group" => regex.Regex.Match(text) is { Success: true } m && regex.GroupCount >= index ? PyRegex.Group(m, index) : string.Empty,
            "All Groups" => AllGroups(regex, text, index),
            _ => string.Empty,
        }));
    }

    private static string AllGroups(PyRegex regex, string text, int index)
    {
        if (regex.GroupCount == 0 || regex.GroupCount < index)
        {
            return string.Empty;
        }

        var groups = new List<string>();
        foreach (Match match in regex.Regex.Matches(text))
        {
            groups.Add(PyRegex.Group(match, index)
                ?? throw NodeException.TypeError($"sequence item {groups.Count}: expected str instance, NoneType found"));
        }

        return string.Join("\n", groups);
    }
}
