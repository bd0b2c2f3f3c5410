namespace Gantry.Engine.NodeModel;

/// <summary>
/// The outcome of a node's own input validation (ComfyUI's <c>VALIDATE_INPUTS</c>): valid (True),
/// invalid without a reason (False), or invalid with a message (a returned string).
/// </summary>
public readonly record struct ValidationVerdict
{
    private ValidationVerdict(bool isValid, string? message)
    {
        IsValid = isValid;
        Message = message;
    }

    public static ValidationVerdict Valid => new(true, null);

    /// <summary>ComfyUI's <c>return False</c>: details name the input only.</summary>
    public static ValidationVerdict Invalid => new(false, null);

    public bool IsValid { get; }

    /// <summary>The returned message, shown as <c>"&lt;input&gt; - &lt;message&gt;"</c>.</summary>
    public string? Message { get; }

    /// <summary>ComfyUI's <c>return "reason"</c>.</summary>
    public static ValidationVerdict Fail(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(false, message);
    }
}
