using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Gantry.Engine.Json;

/// <summary>
/// Parses JSON the way Python's <c>json.loads</c> does: bare <c>NaN</c>, <c>Infinity</c> and
/// <c>-Infinity</c> are accepted, integers are unbounded, numbers with a fraction or exponent are
/// floats, a repeated object key keeps its last value, raw control characters inside strings are
/// rejected. A leading UTF-8 byte order mark is skipped. Never throws from <see cref="TryParse(ReadOnlySpan{byte}, out JValue?, out string?)"/>.
/// </summary>
/// <remarks>
/// Gantry's one reader rule for what comes from the network (<see cref="TryParseRequest"/>) adds one refusal to Python's:
/// a <c>\uXXXX</c> escape that makes a lone UTF-16 surrogate. Python keeps such a string, but it cannot be encoded as
/// UTF-8 (a file name, a log line, a database text column, System.Text.Json), so it is refused at the edge rather than
/// failing later.
/// </remarks>
public static class JParser
{
    /// <summary>
    /// The one JSON nesting limit Gantry applies everywhere (request bodies, stored JSON read back): at most this many
    /// arrays and objects nested in each other. Deeper is refused when read.
    /// </summary>
    public const int MaxDepth = 64;

    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out JValue? value, [NotNullWhen(false)] out string? error)
        => TryParse(new JsonReader(utf8, refuseLoneSurrogates: false, topLevelRanges: null), out value, out error);

    /// <summary>
    /// Parses a request body as Python does, but refuses lone surrogates (the API's reader rule). When the body is an
    /// object, <paramref name="memberRanges"/> holds the byte range of each top-level member's value as sent (for a
    /// repeated key, the last one, whose value the object keeps).
    /// </summary>
    public static bool TryParseRequest(
        ReadOnlySpan<byte> utf8,
        [NotNullWhen(true)] out JValue? value,
        out Dictionary<string, Range>? memberRanges,
        [NotNullWhen(false)] out string? error)
    {
        memberRanges = new Dictionary<string, Range>(StringComparer.Ordinal);
        if (TryParse(new JsonReader(utf8, refuseLoneSurrogates: true, memberRanges), out value, out error))
        {
            return true;
        }

        memberRanges = null;
        return false;
    }

    /// <summary>
    /// Where the first <c>\uXXXX</c> escape making a lone UTF-16 surrogate is, or -1: the reader rule of
    /// <see cref="TryParseRequest"/> for bodies another parser reads. In valid JSON a backslash only occurs inside a
    /// string, so the scan needs no tokenizing.
    /// </summary>
    public static int IndexOfLoneSurrogateEscape(ReadOnlySpan<byte> utf8)
    {
        var position = 0;
        while (true)
        {
            var found = utf8[position..].IndexOf((byte)'\\');
            if (found < 0)
            {
                return -1;
            }

            var at = position + found;
            if (at + 1 >= utf8.Length)
            {
                return -1;
            }

            if (utf8[at + 1] != 'u')
            {
                position = at + 2;
                continue;
            }

            var unit = JsonSyntax.Hex4(utf8, at + 2);
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return at;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (at + 7 >= utf8.Length || utf8[at + 6] != '\\' || utf8[at + 7] != 'u' || JsonSyntax.Hex4(utf8, at + 8) is not (>= 0xDC00 and <= 0xDFFF))
                {
                    return at;
                }

                position = at + 12;
                continue;
            }

            position = at + 6;
        }
    }

    private static bool TryParse(JsonReader reader, [NotNullWhen(true)] out JValue? value, [NotNullWhen(false)] out string? error)
    {
        try
        {
            value = reader.ReadDocument();
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            value = null;
            error = ex.Message;
            return false;
        }
    }

    public static bool TryParse(string json, [NotNullWhen(true)] out JValue? value, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TryParse(Encoding.UTF8.GetBytes(json), out value, out error);
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static JValue Parse(ReadOnlySpan<byte> utf8) =>
        TryParse(utf8, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static JValue Parse(string json) =>
        TryParse(json, out var value, out var error) ? value : throw new FormatException(error);
}
