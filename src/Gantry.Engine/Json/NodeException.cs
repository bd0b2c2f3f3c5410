namespace Gantry.Engine.Json;

/// <summary>
/// An error with a ComfyUI-style (Python) exception type. Throw it from a node to choose the
/// <c>exception_type</c> the client sees (<c>ValueError</c>, <c>FileNotFoundError</c>, ...); other
/// .NET exceptions are mapped to a Python-like name by the executor. The message is the
/// <c>str(ex)</c> part of ComfyUI's <c>exception_message</c> (the executor appends the "\n").
/// It lives beside <see cref="PyOps"/> and <see cref="PyFormat"/>: Python's values, operations and
/// exceptions are the engine's bottom layer, which every other folder uses and which uses none of them.
/// </summary>
public class NodeException : Exception
{
    public NodeException(string exceptionType, string message)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrEmpty(exceptionType);
        ExceptionType = exceptionType;
    }

    public NodeException(string exceptionType, string message, Exception innerException)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(exceptionType);
        ExceptionType = exceptionType;
    }

    /// <summary>The Python exception type name reported as <c>exception_type</c>.</summary>
    public string ExceptionType { get; }

    public static NodeException ValueError(string message) => new("ValueError", message);

    public static NodeException TypeError(string message) => new("TypeError", message);

    public static NodeException RuntimeError(string message) => new("RuntimeError", message);

    public static NodeException FileNotFoundError(string message) => new("FileNotFoundError", message);

    public static NodeException IndexError(string message) => new("IndexError", message);

    public static NodeException OverflowError(string message) => new("OverflowError", message);

    /// <summary>Python's KeyError, whose str() is the repr of the missing key (<c>'99'</c>).</summary>
    public static NodeException KeyError(JValue key) => new("KeyError", PyFormat.Repr(key));

    /// <summary>Python's KeyError for a string key.</summary>
    public static NodeException KeyError(string key) => new("KeyError", PyFormat.StringRepr(key));
}
