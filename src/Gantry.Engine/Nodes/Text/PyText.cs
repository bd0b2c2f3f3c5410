using System.Globalization;
using System.Numerics;
using System.Text;

namespace Gantry.Engine.Nodes.Text;

/// <summary>
/// Python str semantics over .NET strings: a str is a sequence of code points, so a surrogate pair counts as one
/// character and a lone surrogate (which JSON can carry) as one of its own. Casing follows CPython 3.11's full
/// mappings (<see cref="PyCaseData"/>); lower() turns a capital sigma into a final sigma at the end of a word.
/// </summary>
internal static class PyText
{
    private static readonly HashSet<int> Whitespace = [.. PyCaseData.Whitespace];

    // Word_Break MidLetter/MidNumLet/Single_Quote characters that Unicode counts as case-ignorable (besides Mn, Me, Cf, Lm, Sk).
    private static readonly HashSet<int> IgnorablePunctuation = [0x27, 0x2E, 0x3A, 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A];

    /// <summary>len(s): code points.</summary>
    public static int Length(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i += Width(text, i))
        {
            count++;
        }

        return count;
    }

    /// <summary>s[start:end] with Python's slice rules (negative counts from the end, out of range clamps).</summary>
    public static string Slice(string text, BigInteger start, BigInteger end)
    {
        var offsets = Offsets(text);
        var length = offsets.Count - 1;
        var from = Clamp(start, length);
        var to = Clamp(end, length);
        return to <= from ? string.Empty : text[offsets[from]..offsets[to]];
    }

    public static string Upper(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i += Width(text, i))
        {
            result.Append(UpperOf(CodePoint(text, i), text, i));
        }

        return result.ToString();
    }

    public static string Lower(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i += Width(text, i))
        {
            result.Append(LowerAt(text, i));
        }

        return result.ToString();
    }

    /// <summary>str.capitalize() (3.8+): the first character titlecased, the rest lowercased.</summary>
    public static string Capitalize(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i += Width(text, i))
        {
            result.Append(i == 0 ? TitleOf(CodePoint(text, i), text, i) : LowerAt(text, i));
        }

        return result.ToString();
    }

    /// <summary>str.title(): a character after a cased one is lowercased, any other titlecased ("they're" → "They'Re").</summary>
    public static string Title(string text)
    {
        var result = new StringBuilder(text.Length);
        var previousCased = false;
        for (var i = 0; i < text.Length; i += Width(text, i))
        {
            var codePoint = CodePoint(text, i);
            result.Append(previousCased ? LowerAt(text, i) : TitleOf(codePoint, text, i));
            previousCased = IsCased(codePoint);
        }

        return result.ToString();
    }

    /// <summary>str.strip()/lstrip()/rstrip() without arguments: Python's whitespace (str.isspace, all in the BMP).</summary>
    public static string Strip(string text, bool left, bool right)
    {
        var start = 0;
        var end = text.Length;
        while (left && start < end && Whitespace.Contains(text[start]))
        {
            start++;
        }

        while (right && end > start && Whitespace.Contains(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>Whether the code point is cased (Lu, Ll, Lt, Other_Lowercase, Other_Uppercase).</summary>
    public static bool IsCased(int codePoint)
    {
        var ranges = PyCaseData.CasedRanges;
        int low = 0, high = (ranges.Length / 2) - 1;
        while (low <= high)
        {
            var mid = (low + high) / 2;
            if (codePoint < ranges[2 * mid])
            {
                high = mid - 1;
            }
            else if (codePoint > ranges[(2 * mid) + 1])
            {
                low = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The UTF-16 offset of each code point, plus the string's length at the end.</summary>
    private static List<int> Offsets(string text)
    {
        var offsets = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i += Width(text, i))
        {
            offsets.Add(i);
        }

        offsets.Add(text.Length);
        return offsets;
    }

    private static int Clamp(BigInteger index, int length)
    {
        if (index < 0)
        {
            index += length;
        }

        return index < 0 ? 0 : index > length ? length : (int)index;
    }

    private static int Width(string text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;

    private static int CodePoint(string text, int i) =>
        Width(text, i) == 2 ? char.ConvertToUtf32(text[i], text[i + 1]) : text[i];

    private static string UpperOf(int codePoint, string text, int i)
    {
        if (PyCaseData.MultiUpper.TryGetValue(codePoint, out var mapped))
        {
            return mapped;
        }

        return Map(codePoint, text, i, upper: true);
    }

    private static string TitleOf(int codePoint, string text, int i) =>
        PyCaseData.Title.TryGetValue(codePoint, out var mapped) ? mapped : UpperOf(codePoint, text, i);

    private static string LowerAt(string text, int i)
    {
        var codePoint = CodePoint(text, i);
        return codePoint switch
        {
            0x130 => "i\u0307",
            0x3A3 => IsFinalSigma(text, i) ? "\u03C2" : "\u03C3",
            _ => Map(codePoint, text, i, upper: false),
        };
    }

    private static string Map(int codePoint, string text, int i, bool upper)
    {
        if (codePoint < 0x10000)
        {
            var c = text[i];
            return char.IsSurrogate(c) ? c.ToString() : (upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToString();
        }

        var rune = new Rune(codePoint);
        return (upper ? Rune.ToUpperInvariant(rune) : Rune.ToLowerInvariant(rune)).ToString();
    }

    // Final_Sigma: a cased letter before (skipping case-ignorable ones) and none after.
    private static bool IsFinalSigma(string text, int at)
    {
        var before = at - 1;
        while (before >= 0 && IsCaseIgnorable(CodePointEndingAt(text, before, out var start)))
        {
            before = start - 1;
        }

        if (before < 0 || !IsCased(CodePointEndingAt(text, before, out _)))
        {
            return false;
        }

        var after = at + 1;
        while (after < text.Length && IsCaseIgnorable(CodePoint(text, after)))
        {
            after += Width(text, after);
        }

        return after >= text.Length || !IsCased(CodePoint(text, after));
    }

    private static int CodePointEndingAt(string text, int end, out int start)
    {
        start = end > 0 && char.IsLowSurrogate(text[end]) && char.IsHighSurrogate(text[end - 1]) ? end - 1 : end;
        return CodePoint(text, start);
    }

    private static bool IsCaseIgnorable(int codePoint)
    {
        if (IgnorablePunctuation.Contains(codePoint) || codePoint is >= 0xD800 and <= 0xDFFF)
        {
            return IgnorablePunctuation.Contains(codePoint);
        }

        return CharUnicodeInfo.GetUnicodeCategory(codePoint) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
    }
}
