using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace Gantry.Engine.Json;

/// <summary>
/// Python's built-in conversions and comparisons on JSON values, as ComfyUI's validation applies
/// them: <c>int()</c>, <c>float()</c>, <c>str()</c>, <c>bool()</c>, <c>&lt;</c>/<c>&gt;</c>, <c>==</c> and <c>in</c>.
/// Failures throw <see cref="NodeException"/> with Python's exception type and message.
/// </summary>
public static partial class PyOps
{
    /// <summary>Python <c>int(value)</c>.</summary>
    public static JInt ToInt(JValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value)
        {
            case JInt i:
                return i;
            case JBool b:
                return new JInt(b.Value ? 1 : 0);
            case JFloat f when double.IsNaN(f.Value):
                throw NodeException.ValueError("cannot convert float NaN to integer");
            case JFloat f when double.IsInfinity(f.Value):
                throw NodeException.OverflowError("cannot convert float infinity to integer");
            case JFloat f:
                return new JInt(new BigInteger(Math.Truncate(f.Value)));
            case JString s:
                return new JInt(ParseInt(s.Value));
            default:
                throw NodeException.TypeError(
                    $"int() argument must be a string, a bytes-like object or a real number, not '{PyFormat.TypeName(value)}'");
        }
    }

    /// <summary>Python <c>float(value)</c>.</summary>
    public static JFloat ToFloat(JValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value)
        {
            case JFloat f:
                return f;
            case JBool b:
                return new JFloat(b.Value ? 1.0 : 0.0);
            case JInt i:
                var d = (double)i.Value;
                if (double.IsInfinity(d))
                {
                    throw NodeException.OverflowError("int too large to convert to float");
                }

                return new JFloat(d);
            case JString s:
                return new JFloat(ParseFloat(s.Value));
            default:
                throw NodeException.TypeError(
                    $"float() argument must be a string or a real number, not '{PyFormat.TypeName(value)}'");
        }
    }

    /// <summary>Python <c>str(value)</c> as a JSON string.</summary>
    public static JString ToStr(JValue value) => value as JString ?? new JString(PyFormat.Str(value));

    /// <summary>Python truthiness: <c>bool("false")</c> is True, <c>bool(0.0)</c> False, <c>bool([])</c> False.</summary>
    public static bool Truthy(JValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            JNull => false,
            JBool b => b.Value,
            JInt i => !i.Value.IsZero,
            JFloat f => f.Value != 0.0,
            JString s => s.Value.Length > 0,
            JArray a => a.Count > 0,
            JObject o => o.Count > 0,
            _ => true,
        };
    }

    /// <summary>Python <c>a &lt; b</c>; TypeError for unorderable types.</summary>
    public static bool LessThan(JValue a, JValue b) => Order(a, b, "<") is { } c && c < 0;

    /// <summary>Python <c>a &gt; b</c>; TypeError for unorderable types.</summary>
    public static bool GreaterThan(JValue a, JValue b) => Order(a, b, ">") is { } c && c > 0;

    /// <summary>Python <c>a == b</c>: 1 == 1.0 == True, NaN never equal, containers deep.</summary>
    public static bool PyEquals(JValue a, JValue b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (IsNumber(a) && IsNumber(b))
        {
            return CompareNumbers(a, b) == 0;
        }

        return (a, b) switch
        {
            (JNull, JNull) => true,
            (JString x, JString y) => string.Equals(x.Value, y.Value, StringComparison.Ordinal),
            (JArray x, JArray y) => x.Count == y.Count && x.Zip(y).All(p => PyEquals(p.First, p.Second)),
            (JObject x, JObject y) => x.Count == y.Count && x.All(m => y.TryGetValue(m.Key, out var v) && PyEquals(m.Value, v)),
            _ => false,
        };
    }

    /// <summary>Python <c>item in container</c> for a list, dict (keys) or str (substring).</summary>
    public static bool Contains(JValue container, JValue item)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(item);
        switch (container)
        {
            case JArray array:
                return array.Any(element => PyEquals(element, item));
            case JObject obj:
                if (item is JArray or JObject)
                {
                    throw NodeException.TypeError($"unhashable type: '{PyFormat.TypeName(item)}'");
                }

                return item is JString key && obj.ContainsKey(key.Value);
            case JString text:
                if (item is not JString needle)
                {
                    throw NodeException.TypeError($"'in <string>' requires string as left operand, not {PyFormat.TypeName(item)}");
                }

                return text.Value.Contains(needle.Value, StringComparison.Ordinal);
            default:
                throw NodeException.TypeError($"argument of type '{PyFormat.TypeName(container)}' is not iterable");
        }
    }

    private static bool IsNumber(JValue value) => value is JInt or JFloat or JBool;

    // null = unordered (a NaN was involved); otherwise the sign of the comparison.
    private static int? Order(JValue a, JValue b, string op)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (IsNumber(a) && IsNumber(b))
        {
            return CompareNumbers(a, b);
        }

        if (a is JString x && b is JString y)
        {
            return string.CompareOrdinal(x.Value, y.Value);
        }

        if (a is JArray la && b is JArray lb)
        {
            for (var i = 0; i < Math.Min(la.Count, lb.Count); i++)
            {
                if (!PyEquals(la[i], lb[i]))
                {
                    return Order(la[i], lb[i], op);
                }
            }

            return la.Count.CompareTo(lb.Count);
        }

        throw NodeException.TypeError(
            $"'{op}' not supported between instances of '{PyFormat.TypeName(a)}' and '{PyFormat.TypeName(b)}'");
    }

    private static int? CompareNumbers(JValue a, JValue b)
    {
        if (a is JFloat fa && b is JFloat fb)
        {
            return double.IsNaN(fa.Value) || double.IsNaN(fb.Value) ? null : fa.Value.CompareTo(fb.Value);
        }

        if (a is JFloat f)
        {
            return double.IsNaN(f.Value) ? null : -CompareIntFloat(AsInteger(b), f.Value);
        }

        if (b is JFloat g)
        {
            return double.IsNaN(g.Value) ? null : CompareIntFloat(AsInteger(a), g.Value);
        }

        return AsInteger(a).CompareTo(AsInteger(b));
    }

    private static BigInteger AsInteger(JValue value) => value switch
    {
        JInt i => i.Value,
        JBool b => b.Value ? BigInteger.One : BigInteger.Zero,
        _ => throw new InvalidOperationException("Not an integer."),
    };

    // Exact comparison of an integer with a finite or infinite double.
    private static int CompareIntFloat(BigInteger integer, double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return -1;
        }

        if (double.IsNegativeInfinity(value))
        {
            return 1;
        }

        var floor = Math.Floor(value);
        var comparison = integer.CompareTo(new BigInteger(floor));
        if (comparison != 0)
        {
            return comparison;
        }

        return floor == value ? 0 : -1;
    }

    private static BigInteger ParseInt(string text)
    {
        var trimmed = text.Trim();
        var body = trimmed;
        var negative = false;
        if (body.Length > 0 && body[0] is '+' or '-')
        {
            negative = body[0] == '-';
            body = body[1..];
        }

        var digits = new StringBuilder(body.Length);
        var previousWasDigit = false;
        foreach (var c in body)
        {
            if (c == '_' && previousWasDigit)
            {
                previousWasDigit = false;
                continue;
            }

            if (!char.IsDigit(c))
            {
                digits.Clear();
                break;
            }

            digits.Append((char)('0' + (int)char.GetNumericValue(c)));
            previousWasDigit = true;
        }

        if (digits.Length == 0 || !previousWasDigit)
        {
            throw NodeException.ValueError($"invalid literal for int() with base 10: {PyFormat.StringRepr(text)}");
        }

        var magnitude = BigInteger.Parse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
        return negative ? -magnitude : magnitude;
    }

    private static double ParseFloat(string text)
    {
        var trimmed = text.Trim();
        var lower = trimmed.ToLowerInvariant();
        var unsigned = lower.TrimStart('+', '-');
        var negative = lower.StartsWith('-');
        if (unsigned.Length == lower.Length - 1 || unsigned.Length == lower.Length)
        {
            if (unsigned is "inf" or "infinity")
            {
                return negative ? double.NegativeInfinity : double.PositiveInfinity;
            }

            if (unsigned == "nan")
            {
                return double.NaN;
            }
        }

        if (!FloatLiteral().IsMatch(trimmed))
        {
            throw NodeException.ValueError($"could not convert string to float: {PyFormat.StringRepr(text)}");
        }

        return double.Parse(trimmed.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatLiteral();
}
