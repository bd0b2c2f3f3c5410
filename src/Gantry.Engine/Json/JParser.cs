using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Gantry.Engine.Json;

/// <summary>
/// Parses JSON the way Python's <c>json.loads</c> does: bare <c>NaN</c>, <c>Infinity</c> and
/// <c>-Infinity</c> are accepted, integers are unbounded, numbers with a fraction or exponent are
/// floats, a repeated object key keeps its last value, raw control characters inside strings are
/// rejected. A leading UTF-8 byte order mark is skipped. Never throws from <see cref="TryParse(ReadOnlySpan{byte}, out JValue?, out string?)"/>.
/// </summary>
public static partial class JParser
{
    /// <summary>Deeper nesting than this is refused (Python would hit its recursion limit).</summary>
    public const int MaxDepth = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out JValue? value, [NotNullWhen(false)] out string? error)
    {
        var reader = new Reader(utf8);
        try
        {
            if (reader.StartsWithBom())
            {
                reader.Position = 3;
            }

            reader.SkipWhitespace();
            value = reader.ReadValue(0);
            reader.SkipWhitespace();
            if (!reader.AtEnd)
            {
                throw reader.Fail("Extra data");
            }

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
