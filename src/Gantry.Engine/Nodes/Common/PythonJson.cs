using System.Globalization;
using System.Text;
using Gantry.Engine.Json;

namespace Gantry.Engine.Nodes.Common;

/// <summary>
/// Python's <c>json.dumps(value)</c> with its defaults: separators <c>", "</c> and <c>": "</c>, non-ASCII
/// escaped as <c>\uXXXX</c>. SaveImage writes the prompt and the workflow into PNG text chunks this way.
/// </summary>
internal static class PythonJson
{
    public static string Dumps(JValue value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, JValue value)
    {
        switch (value)
        {
            case JArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    builder.Append(i > 0 ? ", " : string.Empty);
                    Write(builder, array[i]);
                }

                builder.Append(']');
                break;
            case JObject obj:
                builder.Append('{');
                for (var i = 0; i < obj.Count; i++)
                {
                    builder.Append(i > 0 ? ", " : string.Empty);
                    JWriter.WriteString(builder, obj[i].Key, asciiOnly: true);
                    builder.Append(": ");
                    Write(builder, obj[i].Value);
                }

                builder.Append('}');
                break;
            case JString text:
                JWriter.WriteString(builder, text.Value, asciiOnly: true);
                break;
            case JInt integer:
                builder.Append(integer.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case JFloat real:
                builder.Append(PyFloat.Json(real.Value));
                break;
            case JBool flag:
                builder.Append(flag.Value ? "true" : "false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }
}
