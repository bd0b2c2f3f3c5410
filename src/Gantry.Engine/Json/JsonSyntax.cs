using System.Globalization;

namespace Gantry.Engine.Json;

/// <summary>The pieces the JSON reader's parts share: Python's error text and hex digits.</summary>
internal static class JsonSyntax
{
    /// <summary>A syntax error as Python words it: <c>Expecting value: char 12</c>.</summary>
    public static FormatException Error(string message, int position) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{message}: char {position}"));

    /// <summary>The value of four hex digits at <paramref name="start"/>, or -1.</summary>
    public static int Hex4(ReadOnlySpan<byte> utf8, int start)
    {
        if (start + 4 > utf8.Length)
        {
            return -1;
        }

        var value = 0;
        for (var i = start; i < start + 4; i++)
        {
            var digit = HexDigit(utf8[i]);
            if (digit < 0)
            {
                return -1;
            }

            value = (value << 4) | digit;
        }

        return value;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
