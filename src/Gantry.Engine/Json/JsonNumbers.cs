using System.Globalization;
using System.Numerics;
using System.Text;

namespace Gantry.Engine.Json;

/// <summary>
/// Reads one JSON number with Python's grammar and types: an integer (unbounded) unless it has a fraction or an
/// exponent, then a float. A leading zero ends the integer part; a dot or an exponent without digits is not part of
/// the number.
/// </summary>
internal static class JsonNumbers
{
    /// <summary>Reads the number at <paramref name="position"/> (a digit or '-'), which then ends after it.</summary>
    public static JValue Read(ReadOnlySpan<byte> text, ref int position)
    {
        var start = position;
        if (text[position] == '-')
        {
            position++;
        }

        if (position >= text.Length || !IsDigit(text[position]))
        {
            throw JsonSyntax.Error("Expecting value", start);
        }

        // Python's number grammar: 0 | [1-9][0-9]*  (a leading zero ends the integer part).
        if (text[position] == '0')
        {
            position++;
        }
        else
        {
            SkipDigits(text, ref position);
        }

        var isFloat = false;
        if (position + 1 < text.Length && text[position] == '.' && IsDigit(text[position + 1]))
        {
            isFloat = true;
            position++;
            SkipDigits(text, ref position);
        }

        if (position < text.Length && text[position] is (byte)'e' or (byte)'E')
        {
            var save = position;
            position++;
            if (position < text.Length && text[position] is (byte)'+' or (byte)'-')
            {
                position++;
            }

            if (position < text.Length && IsDigit(text[position]))
            {
                isFloat = true;
                SkipDigits(text, ref position);
            }
            else
            {
                position = save;
            }
        }

        var literal = text[start..position];
        if (isFloat)
        {
            return new JFloat(double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small)
            ? new JInt(small)
            : new JInt(BigInteger.Parse(Encoding.ASCII.GetString(literal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
    }

    private static void SkipDigits(ReadOnlySpan<byte> text, ref int position)
    {
        while (position < text.Length && IsDigit(text[position]))
        {
            position++;
        }
    }

    private static bool IsDigit(byte c) => c >= '0' && c <= '9';
}
