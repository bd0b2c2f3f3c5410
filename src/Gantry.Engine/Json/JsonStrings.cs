using System.Text;

namespace Gantry.Engine.Json;

/// <summary>
/// Reads one JSON string as Python's <c>json.loads</c> does: the escapes JSON defines, surrogate pairs written as two
/// <c>\uXXXX</c> escapes, raw control characters refused, the bytes strictly UTF-8. A lone surrogate escape is kept,
/// as Python keeps it, unless the caller refuses it (the API's reader rule, <see cref="JParser.TryParseRequest"/>).
/// </summary>
internal static class JsonStrings
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the string whose opening quote is at <paramref name="position"/>, which ends after its closing quote.</summary>
    public static string Read(ReadOnlySpan<byte> text, ref int position, bool refuseLoneSurrogates)
    {
        position++; // opening quote
        var start = position;
        while (position < text.Length && text[position] != '"' && text[position] != '\\' && text[position] >= 0x20)
        {
            position++;
        }

        // Most strings (keys, class types, file names) have no escape: one decode, no builder.
        if (position < text.Length && text[position] == '"')
        {
            position++;
            return Decode(text[start..(position - 1)], position);
        }

        position = start;
        var builder = new StringBuilder();
        while (true)
        {
            var runStart = position;
            while (position < text.Length && text[position] != '"' && text[position] != '\\' && text[position] >= 0x20)
            {
                position++;
            }

            if (position > runStart)
            {
                builder.Append(Decode(text[runStart..position], position));
            }

            if (position >= text.Length)
            {
                throw JsonSyntax.Error("Unterminated string", position);
            }

            var c = text[position];
            if (c == '"')
            {
                position++;
                return builder.ToString();
            }

            if (c < 0x20)
            {
                throw JsonSyntax.Error("Invalid control character", position);
            }

            ReadEscape(text, ref position, refuseLoneSurrogates, builder);
        }
    }

    private static string Decode(ReadOnlySpan<byte> bytes, int position)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw JsonSyntax.Error("Invalid UTF-8", position);
        }
    }

    private static void ReadEscape(ReadOnlySpan<byte> text, ref int position, bool refuseLoneSurrogates, StringBuilder builder)
    {
        position++; // backslash
        if (position >= text.Length)
        {
            throw JsonSyntax.Error("Unterminated string", position);
        }

        var c = text[position++];
        switch (c)
        {
            case (byte)'"': builder.Append('"'); break;
            case (byte)'\\': builder.Append('\\'); break;
            case (byte)'/': builder.Append('/'); break;
            case (byte)'b': builder.Append('\b'); break;
            case (byte)'f': builder.Append('\f'); break;
            case (byte)'n': builder.Append('\n'); break;
            case (byte)'r': builder.Append('\r'); break;
            case (byte)'t': builder.Append('\t'); break;
            case (byte)'u':
                ReadUnicodeEscape(text, ref position, refuseLoneSurrogates, builder);
                break;
            default:
                throw JsonSyntax.Error("Invalid \\escape", position - 1);
        }
    }

    /// <summary>After <c>\u</c>: one UTF-16 unit, or a surrogate pair written as two escapes.</summary>
    private static void ReadUnicodeEscape(ReadOnlySpan<byte> text, ref int position, bool refuseLoneSurrogates, StringBuilder builder)
    {
        var escapeStart = position - 2;
        var unit = JsonSyntax.Hex4(text, position);
        if (unit < 0)
        {
            throw JsonSyntax.Error("Invalid \\uXXXX escape", position);
        }

        position += 4;
        if (char.IsHighSurrogate((char)unit)
            && position + 6 <= text.Length && text[position] == '\\' && text[position + 1] == 'u'
            && JsonSyntax.Hex4(text, position + 2) is var low and >= 0xDC00 and <= 0xDFFF)
        {
            position += 6;
            builder.Append((char)unit).Append((char)low);
            return;
        }

        if (refuseLoneSurrogates && char.IsSurrogate((char)unit))
        {
            throw JsonSyntax.Error("Lone UTF-16 surrogate in \\uXXXX escape", escapeStart);
        }

        builder.Append((char)unit);
    }
}
