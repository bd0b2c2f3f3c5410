using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gantry.Client;

/// <summary>A workflow a caller gave that cannot be submitted as it is (not API format, an override naming nothing).</summary>
public sealed class WorkflowInputException(string message) : Exception(message);

/// <summary>
/// Reads API-format workflows (<c>{"1": {"class_type": …, "inputs": {…}}, …}</c>, or a request body with it under
/// <c>prompt</c>) and applies input overrides (<c>NODE.INPUT=VALUE</c> on the command line, an object in MCP).
/// </summary>
public static class WorkflowInput
{
    /// <summary>Parses and checks a workflow; a UI-format export is refused with how to get the API format.</summary>
    public static JsonObject Parse(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new WorkflowInputException($"{source} is not valid JSON: {ex.Message}");
        }

        return Check(root, source);
    }

    /// <summary>Checks an already parsed workflow (the MCP tool's argument).</summary>
    public static JsonObject Check(JsonNode? root, string source)
    {
        if (root is JsonObject body && body["prompt"] is JsonObject inner)
        {
            root = inner;
        }

        if (root is not JsonObject workflow || workflow.Count == 0)
        {
            throw new WorkflowInputException($"{source} is not an API-format workflow: expected a JSON object of nodes, {{\"1\": {{\"class_type\": …, \"inputs\": {{…}}}}, …}}.");
        }

        if (workflow["nodes"] is JsonArray && workflow["links"] is JsonArray)
        {
            throw new WorkflowInputException($"{source} is a UI-format workflow (it has 'nodes' and 'links'); save it from ComfyUI with 'Export (API)' and submit that file.");
        }

        foreach (var (id, node) in workflow)
        {
            if (node is not JsonObject nodeObject || nodeObject["class_type"] is not JsonValue classType || classType.GetValueKind() != JsonValueKind.String)
            {
                throw new WorkflowInputException($"{source}: node '{id}' has no class_type; an API-format workflow maps node ids to {{\"class_type\", \"inputs\"}}.");
            }
        }

        return workflow;
    }

    /// <summary>Applies <c>NODE.INPUT=VALUE</c> texts. VALUE is taken as text where the input holds text, else read as JSON (numbers, booleans, links).</summary>
    public static void ApplyAssignments(JsonObject workflow, IEnumerable<string> assignments)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            var dot = equals < 0 ? -1 : assignment.AsSpan(0, equals).IndexOf('.');
            if (equals < 0 || dot <= 0 || dot == equals - 1)
            {
                throw new WorkflowInputException($"--set '{assignment}' is not NODE.INPUT=VALUE (for example --set 3.seed=42).");
            }

            var nodeId = assignment[..dot];
            var input = assignment[(dot + 1)..equals];
            var text = assignment[(equals + 1)..];
            var inputs = InputsOf(workflow, nodeId, input);
            inputs[input] = ValueFor(inputs[input], text);
        }
    }

    /// <summary>Applies <c>{node_id: {input: value}}</c>: each value replaces the input as given.</summary>
    public static void ApplyOverrides(JsonObject workflow, IReadOnlyDictionary<string, Dictionary<string, JsonElement>>? overrides)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        foreach (var (nodeId, values) in overrides ?? new Dictionary<string, Dictionary<string, JsonElement>>())
        {
            foreach (var (input, value) in values)
            {
                InputsOf(workflow, nodeId, input)[input] = JsonNode.Parse(value.GetRawText());
            }
        }
    }

    private static JsonObject InputsOf(JsonObject workflow, string nodeId, string input)
    {
        if (workflow[nodeId] is not JsonObject node)
        {
            throw new WorkflowInputException($"The workflow has no node '{nodeId}'; its nodes are {string.Join(", ", workflow.Select(n => n.Key))}.");
        }

        var inputs = node["inputs"] as JsonObject;
        if (inputs is null || !inputs.ContainsKey(input))
        {
            var known = inputs is null ? "none" : string.Join(", ", inputs.Select(i => i.Key));
            throw new WorkflowInputException($"Node '{nodeId}' ({node["class_type"]}) has no input '{input}'; its inputs are {known}.");
        }

        return inputs;
    }

    private static JsonNode? ValueFor(JsonNode? current, string text)
    {
        if (current is JsonValue value && value.GetValueKind() == JsonValueKind.String
            && !(text.Length >= 2 && text[0] == '"' && text[^1] == '"'))
        {
            return JsonValue.Create(text);
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
