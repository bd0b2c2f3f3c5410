using System.Text.Json;

namespace Gantry.Client;

/// <summary>Turns <c>/object_info</c> into <see cref="NodeSummary"/>s: names, categories, inputs with types, output types.</summary>
public static class NodeCatalogSummary
{
    public const int MaxChoices = 12;

    public static IReadOnlyList<NodeSummary> Summarise(JsonElement catalog, string? filter)
    {
        var nodes = new List<NodeSummary>();
        if (catalog.ValueKind != JsonValueKind.Object)
        {
            return nodes;
        }

        foreach (var node in catalog.EnumerateObject())
        {
            var info = node.Value;
            var display = JobReports.Text(info, "display_name");
            var category = JobReports.Text(info, "category");
            if (!string.IsNullOrWhiteSpace(filter)
                && !node.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)
                && !(display?.Contains(filter, StringComparison.OrdinalIgnoreCase) ?? false)
                && !(category?.Contains(filter, StringComparison.OrdinalIgnoreCase) ?? false))
            {
                continue;
            }

            var inputs = new List<NodeInputSummary>();
            if (info.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Object)
            {
                AddInputs(inputs, input, "required", required: true);
                AddInputs(inputs, input, "optional", required: false);
            }

            var outputs = info.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Array
                ? output.EnumerateArray().Select(TypeName).ToList()
                : [];
            var isOutput = info.TryGetProperty("output_node", out var flag) && flag.ValueKind == JsonValueKind.True;
            nodes.Add(new NodeSummary(node.Name, display, category, isOutput, inputs, outputs));
        }

        nodes.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return nodes;
    }

    private static void AddInputs(List<NodeInputSummary> into, JsonElement input, string group, bool required)
    {
        if (!input.TryGetProperty(group, out var entries) || entries.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var entry in entries.EnumerateObject())
        {
            var spec = entry.Value.ValueKind == JsonValueKind.Array && entry.Value.GetArrayLength() > 0 ? entry.Value[0] : entry.Value;
            if (spec.ValueKind == JsonValueKind.Array)
            {
                into.Add(new NodeInputSummary(entry.Name, "COMBO", required, Choices(spec)));
            }
            else if (TypeName(spec) == "COMBO" && entry.Value.ValueKind == JsonValueKind.Array && entry.Value.GetArrayLength() > 1 && entry.Value[1].TryGetProperty("options", out var options))
            {
                into.Add(new NodeInputSummary(entry.Name, "COMBO", required, Choices(options)));
            }
            else
            {
                into.Add(new NodeInputSummary(entry.Name, TypeName(spec), required, null));
            }
        }
    }

    private static List<string> Choices(JsonElement options)
        => options.ValueKind == JsonValueKind.Array ? options.EnumerateArray().Take(MaxChoices).Select(o => o.ToString()).ToList() : [];

    private static string TypeName(JsonElement spec) => spec.ValueKind == JsonValueKind.String ? spec.GetString()! : spec.ToString();
}
