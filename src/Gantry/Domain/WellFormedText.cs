namespace Gantry.Domain;

/// <summary>
/// The one rule for text a user names things with (file names, asset names and tags, editor setting ids): it must be
/// well-formed UTF-16, every surrogate in a pair, so that it can become UTF-8 and a file name unchanged.
/// </summary>
public static class WellFormedText
{
    /// <summary>True when no surrogate in <paramref name="text"/> stands alone.</summary>
    public static bool IsWellFormed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
