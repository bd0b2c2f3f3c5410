using Gantry.Engine.Catalog;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>ComfyUI's validation error objects, with its exact type strings, messages and details.</summary>
internal static class ValidationErrors
{
    public static PromptError InvalidPrompt(string message, string details) =>
        new("invalid_prompt", message, details, JObject.Empty);

    public static PromptError MissingClassType(PromptNode node)
    {
        var title = node.Title;
        var shown = title is not null && PyOps.Truthy(title) ? PyFormat.Str(title) : $"ID #{node.Id}";
        return new PromptError(
            "missing_node_type",
            $"Node '{shown}' has no class_type. The workflow may be corrupted or a custom node is missing.",
            $"Node ID '#{node.Id}'",
            new JObjectBuilder
            {
                ["node_id"] = node.Id,
                ["class_type"] = JNull.Instance,
                ["node_title"] = title ?? JNull.Instance,
            }.Build());
    }

    public static PromptError UnknownClassType(PromptNode node)
    {
        var classType = node.ClassTypeValue ?? JNull.Instance;
        var hasTitle = node.Json is JObject obj && obj["_meta"] is JObject meta && meta.ContainsKey("title");
        var title = hasTitle ? node.Title! : classType;
        return new PromptError(
            "missing_node_type",
            $"Node '{PyFormat.Str(title)}' not found. The custom node may not be installed.",
            $"Node ID '#{node.Id}'",
            new JObjectBuilder
            {
                ["node_id"] = node.Id,
                ["class_type"] = classType,
                ["node_title"] = title,
            }.Build());
    }

    public static PromptError NoOutputs() => new("prompt_no_outputs", "Prompt has no outputs", string.Empty, JObject.Empty);

    public static PromptError OutputsFailed(string details) =>
        new("prompt_outputs_failed_validation", "Prompt outputs failed validation", details, JObject.Empty);

    public static PromptError RequiredInputMissing(string input) =>
        new("required_input_missing", "Required input is missing", input, new JObjectBuilder { ["input_name"] = input }.Build());

    public static PromptError BadLinkedInput(InputSpec input, JValue received) => new(
        "bad_linked_input",
        "Bad linked input, must be a length-2 list of [node_id, slot_index]",
        input.Name,
        new JObjectBuilder { ["input_name"] = input.Name, ["input_config"] = ErrorConfig(input), ["received_value"] = received }.Build());

    public static PromptError ReturnTypeMismatch(InputSpec input, JValue receivedType, JValue link) => new(
        "return_type_mismatch",
        "Return type mismatch between linked nodes",
        $"{input.Name}, received_type({PyFormat.Str(receivedType)}) mismatch input_type({PyFormat.Str(input.Type)})",
        new JObjectBuilder
        {
            ["input_name"] = input.Name,
            ["input_config"] = ErrorConfig(input),
            ["received_type"] = receivedType,
            ["linked_node"] = link,
        }.Build());

    public static PromptError InnerValidationException(InputSpec input, Exception exception, JValue link) => new(
        "exception_during_inner_validation",
        "Exception when validating inner node",
        exception.Message,
        new JObjectBuilder
        {
            ["input_name"] = input.Name,
            ["input_config"] = ErrorConfig(input),
            ["exception_message"] = exception.Message,
            ["exception_type"] = PythonExceptions.TypeName(exception),
            ["traceback"] = JArray.OfStrings(PythonExceptions.Traceback(exception)),
            ["linked_node"] = link,
        }.Build());

    public static PromptError ValidationException(Exception exception) => new(
        "exception_during_validation",
        "Exception when validating node",
        exception.Message,
        new JObjectBuilder
        {
            ["exception_type"] = PythonExceptions.TypeName(exception),
            ["traceback"] = JArray.OfStrings(PythonExceptions.Traceback(exception)),
        }.Build());

    public static PromptError InvalidInputType(InputSpec input, JValue received, NodeException exception) => new(
        "invalid_input_type",
        $"Failed to convert an input value to a {PyFormat.Str(input.Type)} value",
        $"{input.Name}, {PyFormat.Str(received)}, {exception.Message}",
        new JObjectBuilder
        {
            ["input_name"] = input.Name,
            ["input_config"] = ErrorConfig(input),
            ["received_value"] = received,
            ["exception_message"] = exception.Message,
        }.Build());

    public static PromptError SmallerThanMin(InputSpec input, JValue received, JValue min) => new(
        "value_smaller_than_min",
        $"Value {PyFormat.Str(received)} smaller than min of {PyFormat.Str(min)}",
        input.Name,
        Received(input, ErrorConfig(input), received));

    public static PromptError BiggerThanMax(InputSpec input, JValue received, JValue max) => new(
        "value_bigger_than_max",
        $"Value {PyFormat.Str(received)} bigger than max of {PyFormat.Str(max)}",
        input.Name,
        Received(input, ErrorConfig(input), received));

    public static PromptError NotInList(InputSpec input, JValue received, IReadOnlyList<JValue> invalid, JValue options, int optionCount)
    {
        var large = optionCount > 20;
        var listInfo = large ? $"(list of length {optionCount})" : PyFormat.Str(options);
        return new PromptError(
            "value_not_in_list",
            "Value not in list",
            $"{input.Name}: {string.Join(", ", invalid.Select(PyFormat.Repr))} not in {listInfo}",
            Received(input, large ? JNull.Instance : ErrorConfig(input), received));
    }

    public static PromptError CustomValidationFailed(string input, string? message) => new(
        "custom_validation_failed",
        "Custom validation failed for node",
        message is null ? input : $"{input} - {message}",
        new JObjectBuilder { ["input_name"] = input }.Build());

    /// <summary>ComfyUI's cycle error; a cycle longer than the nodes listed also says its length (<c>cycle_length</c>).</summary>
    public static PromptError DependencyCycle(string nodeId, string path, IReadOnlyList<string> cycleNodes, int cycleLength)
    {
        var extra = new JObjectBuilder { ["node_id"] = nodeId, ["cycle_nodes"] = JArray.OfStrings(cycleNodes) };
        if (cycleLength > cycleNodes.Count)
        {
            extra["cycle_length"] = cycleLength;
        }

        return new("dependency_cycle", "Dependency cycle detected", path, extra.Build());
    }

    /// <summary>More nodes than the limit: refused before any node is looked at (ComfyUI has no such limit).</summary>
    public static PromptError TooManyNodes(int count, int limit) => new(
        "prompt_too_large",
        "Prompt has too many nodes",
        $"The prompt has {count} nodes; at most {limit} are allowed.",
        new JObjectBuilder { ["node_count"] = count, ["max_nodes"] = limit }.Build());

    /// <summary>
    /// <c>input_config</c> as ComfyUI's validation errors show it: always <c>[type, options]</c>, with <c>{}</c> for a
    /// declaration without options (0.3.64 builds it from the parsed input, not the declared tuple; seen on a real ComfyUI).
    /// </summary>
    private static JArray ErrorConfig(InputSpec input) => JArray.Of(input.Type, input.Options);

    private static JObject Received(InputSpec input, JValue config, JValue received) =>
        new JObjectBuilder { ["input_name"] = input.Name, ["input_config"] = config, ["received_value"] = received }.Build();
}
