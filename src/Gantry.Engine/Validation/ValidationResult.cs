using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>
/// The outcome of validating a prompt, shaped for ComfyUI's <c>POST /prompt</c> answer:
/// valid → 200 <c>{prompt_id, number, node_errors}</c> (node_errors may list dropped outputs),
/// invalid → 400 <see cref="ToErrorResponse"/> = <c>{"error": {...}, "node_errors": {...}}</c>.
/// </summary>
public sealed class ValidationResult
{
    internal ValidationResult(PromptError? error, IReadOnlyList<string> outputs, IReadOnlyList<KeyValuePair<string, NodeErrorEntry>> nodeErrors, Prompt? prompt)
    {
        Error = error;
        Outputs = outputs;
        NodeErrors = nodeErrors;
        Prompt = prompt;
    }

    /// <summary>True when at least one output survived: queue the prompt.</summary>
    public bool IsValid => Error is null;

    /// <summary>The top-level error (no_prompt is the server's; the rest come from here) when invalid.</summary>
    public PromptError? Error { get; }

    /// <summary>The output node ids that passed validation: ComfyUI's <c>outputs_to_execute</c>, in prompt order.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Nodes with errors, in the order ComfyUI reports them.</summary>
    public IReadOnlyList<KeyValuePair<string, NodeErrorEntry>> NodeErrors { get; }

    /// <summary>
    /// The prompt with widget values coerced as ComfyUI does (INT via int(), FLOAT via float(), STRING via
    /// str(), BOOLEAN via bool(); <c>{"__value__": [...]}</c> unwrapped) on validated nodes. This is the
    /// prompt to store and execute. Null only when the input was not a JSON object.
    /// </summary>
    public Prompt? Prompt { get; }

    /// <summary><c>node_errors</c> as JSON (an empty object when there are none).</summary>
    public JObject NodeErrorsJson() => new(NodeErrors.Select(e => new KeyValuePair<string, JValue>(e.Key, e.Value.ToJson())));

    /// <summary>The 400 body: <c>{"error": {type, message, details, extra_info}, "node_errors": {...}}</c>.</summary>
    public JObject ToErrorResponse() => new JObjectBuilder
    {
        ["error"] = Error?.ToJson() ?? (JValue)JNull.Instance,
        ["node_errors"] = NodeErrorsJson(),
    }.Build();
}
