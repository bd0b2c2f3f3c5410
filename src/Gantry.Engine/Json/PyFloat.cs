using System.Globalization;
using System.Text;

namespace Gantry.Engine.Json;

/// <summary>Formats doubles exactly as Python's <c>repr(float)</c> does (shortest round-trip digits).</summary>
internal static class PyFloat
{
    /// <summary>Python repr: <c>1.0</c>, <c>0.1</c>, <c>1e+16</c>, <c>1e-05</c>, <c>nan</c>, <c>inf</c>, <c>-inf</c>.</summary>
    public static string Repr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var negative = value < 0 || (value == 0 && double.IsNegative(value));
        var (digits, pointPosition) = ShortestDigits(Math.Abs(value));
        var builder = new StringBuilder();
        if (negative)
        {
            builder.Append('-');
        }

        if (digits.Length == 0)
        {
            builder.Append("0.0");
            return builder.ToString();
        }

        // pointPosition: the value is 0.DIGITS × 10^pointPosition. Python switches to exponent
        // notation when the decimal exponent is below -4 or at least 16.
        if (pointPosition <= -4 || pointPosition > 16)
        {
            builder.Append(digits[0]);
            if (digits.Length > 1)
            {
                builder.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var exponent = pointPosition - 1;
            builder.Append('e').Append(exponent < 0 ? '-' : '+');
            builder.Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (pointPosition <= 0)
        {
            builder.Append("0.").Append('0', -pointPosition).Append(digits);
        }
        else if (pointPosition >= digits.Length)
        {
            builder.Append(digits).Append('0', pointPosition - digits.Length).Append(".0");
        }
        else
        {
            builder.Append(digits, 0, pointPosition).Append('.').Append(digits, pointPosition, digits.Length - pointPosition);
        }

        return builder.ToString();
    }

    /// <summary>Python <c>json.dumps</c> form: repr, but NaN/Infinity/-Infinity for the specials.</summary>
    public static string Json(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        return Repr(value);
    }

    private static (string Digits, int PointPosition) ShortestDigits(double value)
    {
        if (value == 0)
        {
            return (string.Empty, 0);
        }

        // .NET's "R" gives the shortest round-trip representation, either as 123.45 or 1.2345E-05.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        string mantissa;
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            mantissa = text[..e];
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        else
        {
            mantissa = text;
        }

        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fractionPart = dot >= 0 ? mantissa[(dot + 1)..] : string.Empty;
        var allDigits = integerPart + fractionPart;
        var pointPosition = integerPart.Length + exponent;
        var leadingZeros = 0;
        while (leadingZeros < allDigits.Length && allDigits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        var digits = allDigits[leadingZeros..].TrimEnd('0');
        return (digits, pointPosition - leadingZeros);
    }
}
