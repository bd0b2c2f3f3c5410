using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Gantry.Engine.Json;

namespace Gantry.Engine.Nodes.Text;

/// <summary>
/// A Python <c>re</c> pattern run by .NET's Regex. The syntax both share is passed through; Python's own is translated:
/// <c>(?P&lt;name&gt;…)</c> becomes a plain group (so groups keep Python's left-to-right numbers, which .NET would
/// renumber for named groups) and <c>(?P=name)</c> a numbered back-reference; <c>\Z</c> (end of string) becomes .NET's
/// <c>\z</c>. Escapes Python rejects (<c>\z</c>, <c>\k</c>, <c>\p</c>, <c>(?&lt;name&gt;</c>, …) are refused as
/// <c>re.error</c>. Known differences (docs/fidelity.md): .NET accepts variable-width look-behind, which Python
/// rejects; <c>.</c> and classes see UTF-16 units, so a character outside the BMP is two; <c>\N{…}</c> and the
/// <c>(?a)</c>/<c>(?L)</c>/<c>(?u)</c> flags are not supported. Matching stops after <see cref="Timeout"/> (Python has
/// no limit) with a RuntimeError, so a catastrophic pattern cannot hold a worker.
/// </summary>
internal sealed class PyRegex
{
    /// <summary>The longest a single match, search or replace may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private const string KnownLetterEscapes = "abBdDfnrsStvwWAZxuU";

    private PyRegex(Regex regex, IReadOnlyDictionary<string, int> names, int groups)
    {
        Regex = regex;
        GroupNames = names;
        GroupCount = groups;
    }

    public Regex Regex { get; }

    /// <summary>Python group names and their numbers.</summary>
    public IReadOnlyDictionary<string, int> GroupNames { get; }

    /// <summary>The number of capturing groups (Python's <c>pattern.groups</c>).</summary>
    public int GroupCount { get; }

    /// <summary>Compiles <paramref name="pattern"/>; <see cref="PyRegexException"/> where Python's re.compile raises re.error.</summary>
    public static PyRegex Compile(string pattern, bool ignoreCase, bool multiline, bool dotAll)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var translated = Translate(pattern, names, out var groups);
        var options = RegexOptions.CultureInvariant
            | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None)
            | (multiline ? RegexOptions.Multiline : RegexOptions.None)
            | (dotAll ? RegexOptions.Singleline : RegexOptions.None);
        try
        {
            return new PyRegex(new Regex(translated, options, Timeout), names, groups);
        }
        catch (ArgumentException ex)
        {
            throw new PyRegexException(ex.Message);
        }
    }

    /// <summary>Runs <paramref name="work"/>, turning a timeout into the node's RuntimeError.</summary>
    public static T Bounded<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return work();
        }
        catch (RegexMatchTimeoutException)
        {
            throw NodeException.RuntimeError($"regular expression took longer than {Timeout.TotalSeconds:0} s and was stopped");
        }
    }

    /// <summary>Python's match.group(n): null when the group did not take part.</summary>
    public static string? Group(Match match, int index) =>
        match.Groups[index] is { Success: true } group ? group.Value : null;

    private static string Translate(string pattern, Dictionary<string, int> names, out int groups)
    {
        var result = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        groups = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length)
                {
                    throw new PyRegexException($"bad escape (end of pattern) at position {i}");
                }

                var next = pattern[++i];
                if (char.IsAsciiLetter(next) && !KnownLetterEscapes.Contains(next, StringComparison.Ordinal))
                {
                    throw new PyRegexException($"bad escape \\{next} at position {i - 1}");
                }

                result.Append(!inClass && next == 'Z' ? "\\z" : $"\\{next}");
                continue;
            }

            if (inClass)
            {
                inClass = c != ']' || result[^1] == '[' || (result.Length > 1 && result[^1] == '^' && result[^2] == '[');
                result.Append(c);
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    result.Append(c);
                    break;
                case '(' when At(pattern, i + 1, "?P<"):
                    var close = pattern.IndexOf('>', i + 4);
                    var name = close < 0 ? string.Empty : pattern[(i + 4)..close];
                    if (close < 0 || !IsIdentifier(name) || names.ContainsKey(name))
                    {
                        throw new PyRegexException($"bad character in group name '{name}' at position {i + 4}");
                    }

                    names[name] = ++groups;
                    result.Append('(');
                    i = close;
                    break;
                case '(' when At(pattern, i + 1, "?P="):
                    var end = pattern.IndexOf(')', i + 4);
                    var reference = end < 0 ? string.Empty : pattern[(i + 4)..end];
                    if (end < 0 || !names.TryGetValue(reference, out var number))
                    {
                        throw new PyRegexException($"unknown group name '{reference}' at position {i + 4}");
                    }

                    result.Append(CultureInfo.InvariantCulture, $"(?:\\{number})");
                    i = end;
                    break;
                case '(' when At(pattern, i + 1, "?<") && !At(pattern, i + 3, "=") && !At(pattern, i + 3, "!"):
                case '(' when At(pattern, i + 1, "?'") || At(pattern, i + 1, "?P"):
                    throw new PyRegexException($"unknown extension ?{pattern[i + 2]} at position {i + 1}");
                case '(':
                    if (!At(pattern, i + 1, "?"))
                    {
                        groups++;
                    }

                    result.Append(c);
                    break;
                default:
                    result.Append(c);
                    break;
            }
        }

        return result.ToString();
    }

    private static bool At(string text, int index, string expected) =>
        index + expected.Length <= text.Length && string.CompareOrdinal(text, index, expected, 0, expected.Length) == 0;

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(ch => char.IsLetterOrDigit(ch) || ch == '_');
}

/// <summary>What Python's re module raises as <c>re.error</c> (a bad pattern or replacement template).</summary>
internal sealed class PyRegexException(string message) : NodeException("re.error", message);
