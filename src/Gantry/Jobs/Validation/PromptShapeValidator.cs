using System.Buffers;
using System.Text;
using System.Text.Json;
using Gantry.Engine.Json;
using Gantry.Jobs.Submission;
using Gantry.Workers.Embedded;
using Microsoft.Extensions.Options;

namespace Gantry.Jobs.Validation;

/// <summary>
/// The checks that need no node catalog: the prompt is an object of nodes, each with a <c>class_type</c>
/// and an <c>inputs</c> object, and every link <c>["id", slot]</c> points at a node that exists.
/// Used when no worker has told Gantry which nodes it has; error types and wording follow ComfyUI.
/// </summary>
public sealed class PromptShapeValidator(IOptions<EngineSettings> options) : IPromptValidator
{
    public PromptValidation Validate(PromptSubmission submission, long userId) => Validate(submission.Prompt, options.Value.MaxNodesPerPrompt);

    /// <summary>The shape checks; a prompt of more than <paramref name="maxNodes"/> nodes is refused first (the engine's <c>prompt_too_large</c>).</summary>
    public static PromptValidation Validate(JObject prompt, int maxNodes)
    {
        if (prompt.Count > maxNodes)
        {
            var extraInfo = Encoding.UTF8.GetBytes($$"""{"node_count": {{prompt.Count}}, "max_nodes": {{maxNodes}}}""");
            return PromptValidation.Reject(
                "prompt_too_large", "Prompt has too many nodes", $"The prompt has {prompt.Count} nodes; at most {maxNodes} are allowed.", extraInfo);
        }

        foreach (var (nodeId, node) in prompt)
        {
            if (node is not JObject nodeObject || nodeObject["class_type"] is not JString classType)
            {
                return MissingClassType(nodeId, node);
            }

            if (nodeObject["inputs"] is not JObject)
            {
                return PromptValidation.Reject(
                    "invalid_prompt", "Invalid prompt", $"Node '{nodeId}' has no inputs object.", ExtraInfo(nodeId, classType.Value));
            }
        }

        if (prompt.Count == 0)
        {
            return PromptValidation.Reject("prompt_no_outputs", "Prompt has no outputs", "");
        }

        return CheckLinks(prompt);
    }

    private static PromptValidation CheckLinks(JObject prompt)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        var details = new List<string>();
        writer.WriteStartObject();
        foreach (var (nodeId, node) in prompt)
        {
            var nodeObject = (JObject)node;
            var errors = new List<(string Input, string Kind, string Detail)>();
            foreach (var (inputName, value) in (JObject)nodeObject["inputs"]!)
            {
                if (value is not JArray link)
                {
                    continue;
                }

                if (link.Count != 2)
                {
                    // A literal list must be wrapped as {"__value__": [...]}; a bare list is read as a link.
                    errors.Add((inputName, "bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]"));
                    continue;
                }

                if (link[0] is not JString source || link[1] is not JInt { FitsInt64: true } slot || slot.Value < 0 || slot.Value > int.MaxValue)
                {
                    errors.Add((inputName, "bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]"));
                }
                else if (!prompt.ContainsKey(source.Value))
                {
                    errors.Add((inputName, "exception_during_validation", $"Input '{inputName}' is linked to node '{source.Value}', which is not in the prompt"));
                }
            }

            if (errors.Count == 0)
            {
                continue;
            }

            writer.WritePropertyName(nodeId);
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
            writer.WriteString("class_type", nodeObject["class_type"]!.AsString);
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

    private static PromptValidation MissingClassType(string nodeId, JValue node)
    {
        var title = node is JObject nodeObject && nodeObject["_meta"] is JObject meta ? meta["title"]?.AsString : null;
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
