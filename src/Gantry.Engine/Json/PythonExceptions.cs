namespace Gantry.Engine.Json;

/// <summary>Maps .NET exceptions to the Python names and tracebacks ComfyUI reports.</summary>
internal static class PythonExceptions
{
    /// <summary>The <c>exception_type</c> for an exception thrown by a node or by validation.</summary>
    public static string TypeName(Exception exception) => exception switch
    {
        NodeException node => node.ExceptionType,
        FileNotFoundException or DirectoryNotFoundException => "FileNotFoundError",
        UnauthorizedAccessException => "PermissionError",
        IOException => "OSError",
        KeyNotFoundException => "KeyError",
        IndexOutOfRangeException => "IndexError",
        ArgumentException or FormatException => "ValueError",
        InvalidCastException => "TypeError",
        NotSupportedException => "NotImplementedError",
        OverflowException => "OverflowError",
        DivideByZeroException => "ZeroDivisionError",
        OutOfMemoryException or InsufficientMemoryException => "MemoryError",
        TimeoutException => "TimeoutError",
        _ => "RuntimeError",
    };

    /// <summary>
    /// The traceback ComfyUI sends (<c>traceback.format_tb</c>): always empty here. A .NET stack trace names server
    /// source files, line numbers and internal types, which no user should see (DESIGN.md §8); the exception's type
    /// and message, reported beside it, say what went wrong.
    /// </summary>
    public static IReadOnlyList<string> Traceback(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return [];
    }
}
