namespace Gantry.Engine;

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

    /// <summary>The traceback as a list of frame strings (ComfyUI sends <c>traceback.format_tb</c>).</summary>
    public static IReadOnlyList<string> Traceback(Exception exception)
    {
        var trace = exception.StackTrace;
        if (string.IsNullOrEmpty(trace))
        {
            return [];
        }

        return [.. trace.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => $"  {line}\n")];
    }
}
