using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gantry.Engine.Nodes.Text;

/// <summary>
/// A Python <c>re.sub</c> replacement template: <c>\1</c>–<c>\99</c> and <c>\g&lt;n&gt;</c>/<c>\g&lt;name&gt;</c>
/// insert a group (empty when it did not take part), <c>\n</c>, <c>\t</c>, <c>\\</c>, … and octal escapes
/// (<c>\0</c>, <c>\012</c>) insert characters, any other escape of an ASCII letter is <c>re.error</c>, and other
/// escapes stay as written. Parsed before matching, so a bad template fails even when nothing matches, as in Python.
/// </summary>
internal sealed class PyReplacement
{
    private readonly List<(string? Literal, int Group)> _parts = [];

    private PyReplacement()
    {
    }

    public static PyReplacement Parse(string template, PyRegex regex)
    {
        var parsed = new PyReplacement();
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '\\')
            {
                literal.Append(template[i]);
                continue;
            }

            if (i + 1 >= template.Length)
            {
                throw new PyRegexException($"bad escape (end of pattern) at position {i}");
            }

            var c = template[++i];
            int? group = null;
            switch (c)
            {
                case 'g':
                    var close = template.IndexOf('>', i);
                    if (i + 1 >= template.Length || template[i + 1] != '<' || close < 0)
                    {
                        throw new PyRegexException($"missing group name at position {i + 1}");
                    }

                    group = GroupByName(template[(i + 2)..close], regex, i);
                    i = close;
                    break;
                case '0':
                    var octal = OctalDigits(template, i + 1, 2);
                    literal.Append((char)Convert.ToInt32(template.Substring(i, octal + 1), 8));
                    i += octal;
                    break;
                case >= '1' and <= '9':
                    if (OctalDigits(template, i, 3) == 3)
                    {
                        var value = Convert.ToInt32(template.Substring(i, 3), 8);
                        if (value > 255)
                        {
                            throw new PyRegexException($"octal escape value \\{template.Substring(i, 3)} outside of range 0-0o377 at position {i - 1}");
                        }

                        literal.Append((char)value);
                        i += 2;
                        break;
                    }

                    var digits = i + 1 < template.Length && char.IsAsciiDigit(template[i + 1]) ? 2 : 1;
                    group = int.Parse(template.AsSpan(i, digits), CultureInfo.InvariantCulture);
                    i += digits - 1;
                    break;
                default:
                    literal.Append(Escape(c, i));
                    break;
            }

            if (group is { } number)
            {
                if (number > regex.GroupCount)
                {
                    throw new PyRegexException($"invalid group reference {number} at position {i}");
                }

                parsed.Flush(literal);
                parsed._parts.Add((null, number));
            }
        }

        parsed.Flush(literal);
        return parsed;
    }

    public string Expand(Match match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var result = new StringBuilder();
        foreach (var (literal, group) in _parts)
        {
            result.Append(literal ?? PyRegex.Group(match, group));
        }

        return result.ToString();
    }

    private void Flush(StringBuilder literal)
    {
        if (literal.Length > 0)
        {
            _parts.Add((literal.ToString(), 0));
            literal.Clear();
        }
    }

    private static int GroupByName(string name, PyRegex regex, int at)
    {
        if (name.Length > 0 && name.All(char.IsAsciiDigit))
        {
            return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : int.MaxValue;
        }

        return regex.GroupNames.TryGetValue(name, out var index)
            ? index
            : throw new PyRegexException(name.Length == 0 ? $"missing group name at position {at + 2}" : $"unknown group name '{name}'");
    }

    private static int OctalDigits(string text, int from, int most)
    {
        var count = 0;
        while (count < most && from + count < text.Length && text[from + count] is >= '0' and <= '7')
        {
            count++;
        }

        return count;
    }

    private static string Escape(char c, int at) => c switch
    {
        'a' => "\a",
        'b' => "\b",
        'f' => "\f",
        'n' => "\n",
        'r' => "\r",
        't' => "\t",
        'v' => "\v",
        '\\' => "\\",
        _ when char.IsAsciiLetter(c) => throw new PyRegexException($"bad escape \\{c} at position {at - 1}"),
        _ => $"\\{c}",
    };
}
