using System.Globalization;
using System.Numerics;
using System.Text;

namespace Gantry.Engine.Json;

/// <summary>
/// Python's <c>str()</c> and <c>repr()</c> of JSON values and of the CLR values nodes exchange,
/// because ComfyUI builds its error messages and text previews with them
/// (<c>['a', 'b']</c>, <c>True</c>, <c>None</c>, <c>1e+16</c>, <c>{'k': 1}</c>).
/// </summary>
public static class PyFormat
{
    /// <summary>Python <c>str(value)</c>: strings as-is, everything else as repr.</summary>
    public static string Str(JValue value) => value is JString s ? s.Value : Repr(value);

    /// <summary>Python <c>repr(value)</c>.</summary>
    public static string Repr(JValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder();
        AppendRepr(builder, value);
        return builder.ToString();
    }

    /// <summary>Python's type name of a JSON value: NoneType, bool, int, float, str, list, dict.</summary>
    public static string TypeName(JValue value) => value.Kind switch
    {
        JKind.Null => "NoneType",
        JKind.Bool => "bool",
        JKind.Int => "int",
        JKind.Float => "float",
        JKind.String => "str",
        JKind.Array => "list",
        _ => "dict",
    };

    /// <summary>Python <c>str()</c> of a runtime value a node received or produced.</summary>
    public static string Str(object? value) => value switch
    {
        null => "None",
        string s => s,
        JValue j => Str(j),
        _ => Repr(value),
    };

    /// <summary>Python <c>repr()</c> of a runtime value; unknown objects use their ToString().</summary>
    public static string Repr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => StringRepr(s),
        double d => PyFloat.Repr(d),
        float f => PyFloat.Repr(f),
        long or int or short or byte or sbyte or ushort or uint or ulong or BigInteger =>
            Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
        JValue j => Repr(j),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>Python <c>repr(str)</c>: single quotes unless the text has ' and no ".</summary>
    public static string StringRepr(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder();
        AppendStringRepr(builder, value);
        return builder.ToString();
    }

    private static void AppendRepr(StringBuilder builder, JValue value)
    {
        switch (value)
        {
            case JNull:
                builder.Append("None");
                break;
            case JBool b:
                builder.Append(b.Value ? "True" : "False");
                break;
            case JInt i:
                builder.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case JFloat f:
                builder.Append(PyFloat.Repr(f.Value));
                break;
            case JString s:
                AppendStringRepr(builder, s.Value);
                break;
            case JArray a:
                builder.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    AppendRepr(builder, a[i]);
                }

                builder.Append(']');
                break;
            case JObject o:
                builder.Append('{');
                for (var i = 0; i < o.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    AppendStringRepr(builder, o[i].Key);
                    builder.Append(": ");
                    AppendRepr(builder, o[i].Value);
                }

                builder.Append('}');
                break;
        }
    }

    private static void AppendStringRepr(StringBuilder builder, string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        builder.Append(quote);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == quote || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c == '\n')
            {
                builder.Append("\\n");
            }
            else if (c == '\r')
            {
                builder.Append("\\r");
            }
            else if (c == '\t')
            {
                builder.Append("\\t");
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                var codePoint = char.ConvertToUtf32(c, value[i + 1]);
                if (IsPrintable(CharUnicodeInfo.GetUnicodeCategory(codePoint)))
                {
                    builder.Append(c).Append(value[i + 1]);
                }
                else
                {
                    builder.Append("\\U").Append(codePoint.ToString("x8", CultureInfo.InvariantCulture));
                }

                i++;
            }
            else if (c == ' ' || (c > 0x1f && c < 0x7f) || (c >= 0x7f && !char.IsSurrogate(c) && IsPrintable(CharUnicodeInfo.GetUnicodeCategory(c))))
            {
                builder.Append(c);
            }
            else if (c < 0x100)
            {
                builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        builder.Append(quote);
    }

    // Python's str.isprintable(): everything except Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs other than space.
    private static bool IsPrintable(UnicodeCategory category) => category switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
