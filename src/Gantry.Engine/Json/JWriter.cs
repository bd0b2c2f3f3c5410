using System.Buffers;
using System.Globalization;
using System.Text;

namespace Gantry.Engine.Json;

/// <summary>
/// Writes <see cref="JValue"/>s as JSON text. Compact form for the wire; an indented,
/// ASCII-only form that matches Python's <c>json.dumps(value, indent=4)</c> for text previews.
/// </summary>
public static class JWriter
{
    public static string ToJsonString(JValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder();
        Write(builder, value, indent: null, asciiOnly: false, depth: 0);
        return builder.ToString();
    }

    public static byte[] ToJsonBytes(JValue value) => Encoding.UTF8.GetBytes(ToJsonString(value));

    /// <summary>Writes compact UTF-8 JSON into <paramref name="output"/>.</summary>
    public static void WriteTo(JValue value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var bytes = ToJsonBytes(value);
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    /// <summary>Python's <c>json.dumps(value, indent=4)</c>: 4-space indent, non-ASCII escaped.</summary>
    public static string ToPythonIndented(JValue value, int indent = 4)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder();
        Write(builder, value, indent, asciiOnly: true, depth: 0);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, JValue value, int? indent, bool asciiOnly, int depth)
    {
        switch (value)
        {
            case JNull:
                builder.Append("null");
                break;
            case JBool b:
                builder.Append(b.Value ? "true" : "false");
                break;
            case JInt i:
                builder.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case JFloat f:
                builder.Append(PyFloat.Json(f.Value));
                break;
            case JString s:
                WriteString(builder, s.Value, asciiOnly);
                break;
            case JArray a:
                WriteArray(builder, a, indent, asciiOnly, depth);
                break;
            case JObject o:
                WriteObject(builder, o, indent, asciiOnly, depth);
                break;
            default:
                throw new InvalidOperationException("Unknown JSON value type.");
        }
    }

    private static void WriteArray(StringBuilder builder, JArray array, int? indent, bool asciiOnly, int depth)
    {
        if (array.Count == 0)
        {
            builder.Append("[]");
            return;
        }

        builder.Append('[');
        for (var i = 0; i < array.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            NewLine(builder, indent, depth + 1);
            Write(builder, array[i], indent, asciiOnly, depth + 1);
        }

        NewLine(builder, indent, depth);
        builder.Append(']');
    }

    private static void WriteObject(StringBuilder builder, JObject obj, int? indent, bool asciiOnly, int depth)
    {
        if (obj.Count == 0)
        {
            builder.Append("{}");
            return;
        }

        builder.Append('{');
        for (var i = 0; i < obj.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            NewLine(builder, indent, depth + 1);
            WriteString(builder, obj[i].Key, asciiOnly);
            builder.Append(indent is null ? ":" : ": ");
            Write(builder, obj[i].Value, indent, asciiOnly, depth + 1);
        }

        NewLine(builder, indent, depth);
        builder.Append('}');
    }

    private static void NewLine(StringBuilder builder, int? indent, int depth)
    {
        if (indent is { } size)
        {
            builder.Append('\n').Append(' ', size * depth);
        }
    }

    internal static void WriteString(StringBuilder builder, string value, bool asciiOnly)
    {
        builder.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || (asciiOnly && c > 0x7e) || IsLoneSurrogate(value, i))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    private static bool IsLoneSurrogate(string value, int index)
    {
        var c = value[index];
        if (char.IsHighSurrogate(c))
        {
            return index + 1 >= value.Length || !char.IsLowSurrogate(value[index + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return index == 0 || !char.IsHighSurrogate(value[index - 1]);
        }

        return false;
    }
}
