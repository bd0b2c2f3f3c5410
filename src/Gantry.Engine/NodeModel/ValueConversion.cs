using System.Numerics;
using Gantry.Engine.Json;

namespace Gantry.Engine.NodeModel;

/// <summary>Converts input values to what a node asks for, and JSON literals to CLR values.</summary>
internal static class ValueConversion
{
    /// <summary>The CLR value a node receives for a literal widget value.</summary>
    public static object? FromLiteral(JValue value) => value switch
    {
        JNull => null,
        JBool b => b.Value,
        JInt i => i.FitsInt64 ? (long)i.Value : i.Value,
        JFloat f => f.Value,
        JString s => s.Value,
        _ => value,
    };

    public static T To<T>(object? value, string inputName)
    {
        if (value is T typed)
        {
            return typed;
        }

        if (value is null)
        {
            if (default(T) is null)
            {
                return default!;
            }

            throw NodeException.TypeError($"input '{inputName}' is None, expected {typeof(T).Name}");
        }

        if (value is JValue json && json is not JArray and not JObject && FromLiteral(json) is { } literal)
        {
            return To<T>(literal, inputName);
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (target == typeof(JValue) || target == typeof(object))
        {
            return (T)(object)ToJson(value, inputName);
        }

        if (TryNumber(value, out var integer, out var real))
        {
            try
            {
                var converted = ConvertNumber(target, integer, real);
                if (converted is not null)
                {
                    return (T)converted;
                }
            }
            catch (OverflowException)
            {
                throw NodeException.OverflowError($"input '{inputName}' value {PyFormat.Repr(value)} does not fit {target.Name}");
            }
        }

        throw NodeException.TypeError($"input '{inputName}' is {Describe(value)}, expected {target.Name}");
    }

    private static JValue ToJson(object value, string inputName) => value switch
    {
        JValue j => j,
        string s => new JString(s),
        bool b => JValue.From(b),
        double d => new JFloat(d),
        float f => new JFloat(f),
        BigInteger i => new JInt(i),
        long or int or short or byte or sbyte or ushort or uint => new JInt(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        ulong u => new JInt(u),
        _ => throw NodeException.TypeError($"input '{inputName}' is {Describe(value)}, not a JSON value"),
    };

    // Integers arrive as long/int/BigInteger (bool counts as an int, as in Python); reals as double/float.
    private static bool TryNumber(object value, out BigInteger? integer, out double? real)
    {
        integer = value switch
        {
            long l => l,
            int i => i,
            short s => s,
            byte b => b,
            sbyte sb => sb,
            ushort us => us,
            uint ui => ui,
            ulong ul => ul,
            BigInteger big => big,
            bool flag => flag ? BigInteger.One : BigInteger.Zero,
            _ => null,
        };
        real = value switch
        {
            double d => d,
            float f => f,
            decimal m => (double)m,
            _ => null,
        };
        return integer is not null || real is not null;
    }

    private static object? ConvertNumber(Type target, BigInteger? integer, double? real)
    {
        if (target == typeof(double))
        {
            return integer is { } i ? (double)i : real;
        }

        if (target == typeof(float))
        {
            return integer is { } i ? (float)i : (float?)real;
        }

        var whole = integer ?? (real is { } r && Math.Truncate(r) == r && !double.IsInfinity(r) ? new BigInteger(r) : null);
        if (whole is not { } w)
        {
            return null;
        }

        return target switch
        {
            _ when target == typeof(long) => (long)w,
            _ when target == typeof(int) => (int)w,
            _ when target == typeof(ulong) => (ulong)w,
            _ when target == typeof(uint) => (uint)w,
            _ when target == typeof(short) => (short)w,
            _ when target == typeof(byte) => (byte)w,
            _ when target == typeof(BigInteger) => w,
            _ when target == typeof(decimal) => (decimal)w,
            _ => null,
        };
    }

    private static string Describe(object value) => value switch
    {
        JValue j => $"a {PyFormat.TypeName(j)}",
        _ => $"a {value.GetType().Name}",
    };
}
