namespace Gantry.Jobs.Validation;

/// <summary>
/// The outcome of checking a submitted graph, in ComfyUI's terms: the output nodes that will run,
/// the <c>node_errors</c> map (which may be non-empty even when the prompt is accepted: failing
/// output branches are dropped while the others run), and the top-level error when nothing can run.
/// </summary>
public sealed record PromptValidation
{
    public required IReadOnlyList<string> OutputsToExecute { get; init; }

    /// <summary>The <c>node_errors</c> object, raw UTF-8 JSON (<c>{}</c> when clean).</summary>
    public required byte[] NodeErrorsJson { get; init; }

    /// <summary>Set when the prompt is refused (HTTP 400).</summary>
    public PromptRejection? Rejection { get; init; }

    public bool IsValid => Rejection is null;

    public static readonly byte[] NoNodeErrors = "{}"u8.ToArray();

    public static PromptValidation Reject(string type, string message, string details, byte[]? extraInfoJson = null, byte[]? nodeErrorsJson = null) => new()
    {
        OutputsToExecute = [],
        NodeErrorsJson = nodeErrorsJson ?? NoNodeErrors,
        Rejection = new PromptRejection(type, message, details, extraInfoJson ?? NoNodeErrors),
    };
}

/// <summary>ComfyUI's top-level <c>error</c> object: <c>{type, message, details, extra_info}</c>.</summary>
public sealed record PromptRejection(string Type, string Message, string Details, byte[] ExtraInfoJson);
