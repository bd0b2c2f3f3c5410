using System.Buffers;
using System.Text;
using System.Text.Json;
using Gantry.Hosting;
using Microsoft.Extensions.Options;
using Gantry.Jobs.Submission;

namespace Gantry.Jobs.Validation;

/// <summary>
/// The checks that need no node catalog: the prompt is an object of nodes, each with a <c>class_type</c>
/// and an <c>inputs</c> object, and every link <c>["id", slot]</c> points at a node that exists.
/// Used when no worker has told Gantry which nodes it has; error types and wording follow ComfyUI.
/// </summary>
public sealed class PromptShapeValidator(IOptions<GantryOptions> options) : IPromptValidator
{
    public PromptValidation Validate(PromptSubmission submission, long userId) => Validate(submission.Prompt, options.Value.Engine.MaxNodesPerPrompt);

    public static PromptValidation Validate(JsonElement prompt, int maxNodes)
    {
        if (prompt.ValueKind != JsonValueKind.Object)
        {
            return PromptValidation.Reject("invalid_prompt", "Invalid prompt", "The prompt must be a JSON object of nodes keyed by node id.");
        }

        if (TooManyNodes(prompt, maxNodes) is { } tooLarge)
        {
            return tooLarge;
        }

        var hasNodes = false;
        foreach (var node in prompt.EnumerateObject())
        {
            hasNodes = true;
            if (node.Value.ValueKind != JsonValueKind.Object
                || !node.Value.TryGetProperty("class_type", out var classType)
                || classType.ValueKind != JsonValueKind.String)
            {
                return MissingClassType(node.Name, node.Value);
            }

            if (!node.Value.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Object)
            {
                return PromptValidation.Reject(
                    "invalid_prompt", "Invalid prompt", $"Node '{node.Name}' has no inputs object.", ExtraInfo(node.Name, classType.GetString()));
            }
        }

        if (!hasNodes)
        {
            return PromptValidation.Reject("prompt_no_outputs", "Prompt has no outputs", "");
        }

        return CheckLinks(prompt);
    }

    /// <summary>
    /// The refusal of a prompt with more than <paramref name="maxNodes"/> nodes (the engine's <c>prompt_too_large</c>,
    /// checked before any other work), or null.
    /// </summary>
    public static PromptValidation? TooManyNodes(JsonElement prompt, int maxNodes)
    {
        if (prompt.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var count = 0;
        foreach (var _ in prompt.EnumerateObject())
        {
            count++;
        }

        if (count <= maxNodes)
        {
            return null;
        }

        var extraInfo = Encoding.UTF8.GetBytes($$"""{"node_count": {{count}}, "max_nodes": {{maxNodes}}}""");
        return PromptValidation.Reject("prompt_too_large", "Prompt has too many nodes", $"The prompt has {count} nodes; at most {maxNodes} are allowed.", extraInfo);
    }

    private static PromptValidation CheckLinks(JsonElement prompt)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        var details = new List<string>();
        writer.WriteStartObject();
        foreach (var node in prompt.EnumerateObject())
        {
            var errors = new List<(string Input, string Kind, string Detail)>();
            foreach (var input in node.Value.GetProperty("inputs").EnumerateObject())
            {
                if (input.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                var length = input.Value.GetArrayLength();
                if (length != 2)
                {
                    // A literal list must be wrapped as {"__value__": [...]}; a bare list is read as a link.
                    errors.Add((input.Name, "bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]"));
                    continue;
                }

                var source = input.Value[0];
                var slot = input.Value[1];
                if (source.ValueKind != JsonValueKind.String || slot.ValueKind != JsonValueKind.Number || !slot.TryGetInt32(out var slotIndex) || slotIndex < 0)
                {
                    errors.Add((input.Name, "bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]"));
                }
                else if (!prompt.TryGetProperty(source.GetString()!, out _))
                {
                    errors.Add((input.Name, "exception_during_validation", $"Input '{input.Name}' is linked to node '{source.GetString()}', which is not in the prompt"));
                }
            }

            if (errors.Count == 0)
            {
                continue;
            }

            writer.WritePropertyName(node.Name);
            writer.WriteStartObject();
            writer.WriteStartArray("errors");
            foreach (var (inputName, kind, detail) in errors)
            {
                var message = kind == "bad_linked_input" ? detail : "Exception when validating node";
                writer.WriteStartObject();
                writer.WriteString("type", kind);
                writer.WriteString("message", message);
                writer.WriteString("details", kind == "bad_linked_input" ? inputName : detail);
                writer.WriteStartObject("extra_info");
                writer.WriteString("input_name", inputName);
                writer.WriteEndObject();
                writer.WriteEndObject();
                details.Add($"{message}: {(kind == "bad_linked_input" ? inputName : detail)}");
            }

            writer.WriteEndArray();
            writer.WriteStartArray("dependent_outputs");
            writer.WriteEndArray();
            writer.WriteString("class_type", node.Value.GetProperty("class_type").GetString());
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.Flush();
        var nodeErrors = buffer.WrittenSpan.ToArray();
        if (details.Count == 0)
        {
            return new PromptValidation { OutputsToExecute = [], NodeErrorsJson = nodeErrors };
        }

        return PromptValidation.Reject(
            "prompt_outputs_failed_validation", "Prompt outputs failed validation", string.Join('\n', details), nodeErrorsJson: nodeErrors);
    }

    private static PromptValidation MissingClassType(string nodeId, JsonElement node)
    {
        string? title = null;
        if (node.ValueKind == JsonValueKind.Object
            && node.TryGetProperty("_meta", out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("title", out var titleElement) && titleElement.ValueKind == JsonValueKind.String)
        {
            title = titleElement.GetString();
        }

        var name = title ?? $"ID #{nodeId}";
        return PromptValidation.Reject(
            "missing_node_type",
            $"Node '{name}' has no class_type. The workflow may be corrupted or a custom node is missing.",
            $"Node ID '#{nodeId}'",
            ExtraInfo(nodeId, null, title));
    }

    private static byte[] ExtraInfo(string nodeId, string? classType, string? title = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("node_id", nodeId);
            if (classType is null)
            {
                writer.WriteNull("class_type");
            }
            else
            {
                writer.WriteString("class_type", classType);
            }

            if (title is null)
            {
                writer.WriteNull("node_title");
            }
            else
            {
                writer.WriteString("node_title", title);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
