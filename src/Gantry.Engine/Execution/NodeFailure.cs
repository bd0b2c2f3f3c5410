using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

/// <summary>What an <c>execution_error</c> says about the node that failed: the error to report and its inputs.</summary>
internal static class NodeFailure
{
    /// <summary>A node's parallel loop wraps what its bodies threw: the first real error, or the cancellation.</summary>
    public static Exception Unwrap(Exception exception)
    {
        if (exception is not AggregateException aggregate)
        {
            return exception;
        }

        var inner = aggregate.Flatten().InnerExceptions;
        return inner.FirstOrDefault(e => e is not OperationCanceledException) ?? inner.FirstOrDefault() ?? exception;
    }

    /// <summary>
    /// <c>current_inputs</c>: ComfyUI's <c>format_value</c> per input list (None, numbers, booleans and strings as
    /// they are, anything else <c>str()</c>); empty when the inputs were never gathered.
    /// </summary>
    public static JObject FormatInputs(List<KeyValuePair<string, IReadOnlyList<object?>>>? inputs)
    {
        if (inputs is null)
        {
            return JObject.Empty;
        }

        return new JObject(inputs.Select(i => new KeyValuePair<string, JValue>(i.Key, new JArray(i.Value.Select(FormatValue)))));
    }

    private static JValue FormatValue(object? value) => value switch
    {
        null => JNull.Instance,
        JArray or JObject => new JString(PyFormat.Str(value)),
        JValue json => json,
        string s => new JString(s),
        bool b => JValue.From(b),
        double d => new JFloat(d),
        float f => new JFloat(f),
        long or int or short or byte or sbyte or ushort or uint or ulong or System.Numerics.BigInteger =>
            new JInt(System.Numerics.BigInteger.Parse(PyFormat.Repr(value), System.Globalization.CultureInfo.InvariantCulture)),
        _ => new JString(PyFormat.Str(value)),
    };
}
