using System.Globalization;

namespace Gantry.Engine.Json;

/// <summary>
/// The reader behind <see cref="JParser"/>: walks UTF-8 JSON text into <see cref="JValue"/>s, recursing once per
/// nested array or object up to <see cref="JParser.MaxDepth"/> (so the thread's stack stays bounded). Strings and
/// numbers are read by <see cref="JsonStrings"/> and <see cref="JsonNumbers"/>. Errors are thrown as
/// <see cref="FormatException"/> with Python's wording; <see cref="JParser"/> turns them into its result.
/// </summary>
internal ref struct JsonReader
{
    private readonly ReadOnlySpan<byte> _text;
    private readonly bool _refuseLoneSurrogates;
    private readonly Dictionary<string, Range>? _topLevelRanges;
    private int _position;

    /// <param name="text">The UTF-8 JSON text.</param>
    /// <param name="refuseLoneSurrogates">Whether a <c>\uXXXX</c> escape making a lone UTF-16 surrogate is an error.</param>
    /// <param name="topLevelRanges">When set, receives the byte range of each member value of a top-level object.</param>
    public JsonReader(ReadOnlySpan<byte> text, bool refuseLoneSurrogates, Dictionary<string, Range>? topLevelRanges)
    {
        _text = text;
        _refuseLoneSurrogates = refuseLoneSurrogates;
        _topLevelRanges = topLevelRanges;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _text.Length;

    /// <summary>Reads one whole document: an optional UTF-8 byte order mark, one value, nothing after it but whitespace.</summary>
    public JValue ReadDocument()
    {
        if (_text.Length >= 3 && _text[0] == 0xEF && _text[1] == 0xBB && _text[2] == 0xBF)
        {
            _position = 3;
        }

        SkipWhitespace();
        var value = ReadValue(0);
        SkipWhitespace();
        if (!AtEnd)
        {
            throw Fail("Extra data");
        }

        return value;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _position++;
        }
    }

    private readonly FormatException Fail(string message) => JsonSyntax.Error(message, _position);

    /// <param name="depth">How many arrays and objects enclose the value.</param>
    private JValue ReadValue(int depth)
    {
        if (AtEnd)
        {
            throw Fail("Expecting value");
        }

        var c = _text[_position];
        switch (c)
        {
            case (byte)'{':
                return ReadObject(depth);
            case (byte)'[':
                return ReadArray(depth);
            case (byte)'"':
                return new JString(JsonStrings.Read(_text, ref _position, _refuseLoneSurrogates));
            case (byte)'t':
                ExpectWord("true");
                return JBool.True;
            case (byte)'f':
                ExpectWord("false");
                return JBool.False;
            case (byte)'n':
                ExpectWord("null");
                return JNull.Instance;
            case (byte)'N':
                ExpectWord("NaN");
                return new JFloat(double.NaN);
            case (byte)'I':
                ExpectWord("Infinity");
                return new JFloat(double.PositiveInfinity);
            default:
                if (c == '-' && Matches("-Infinity"))
                {
                    _position += "-Infinity".Length;
                    return new JFloat(double.NegativeInfinity);
                }

                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return JsonNumbers.Read(_text, ref _position);
                }

                throw Fail("Expecting value");
        }
    }

    private readonly bool Matches(string word)
    {
        if (_position + word.Length > _text.Length)
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            if (_text[_position + i] != word[i])
            {
                return false;
            }
        }

        return true;
    }

    private void ExpectWord(string word)
    {
        if (!Matches(word))
        {
            throw Fail("Expecting value");
        }

        _position += word.Length;
    }

    private readonly void CheckDepth(int depth)
    {
        if (depth >= JParser.MaxDepth)
        {
            throw Fail(string.Create(CultureInfo.InvariantCulture, $"Maximum nesting depth of {JParser.MaxDepth} exceeded"));
        }
    }

    private JObject ReadObject(int depth)
    {
        CheckDepth(depth);
        _position++;
        var members = new List<KeyValuePair<string, JValue>>();
        SkipWhitespace();
        if (!AtEnd && _text[_position] == '}')
        {
            _position++;
            return new JObject(members);
        }

        while (true)
        {
            SkipWhitespace();
            if (AtEnd || _text[_position] != '"')
            {
                throw Fail("Expecting property name enclosed in double quotes");
            }

            var key = JsonStrings.Read(_text, ref _position, _refuseLoneSurrogates);
            SkipWhitespace();
            if (AtEnd || _text[_position] != ':')
            {
                throw Fail("Expecting ':' delimiter");
            }

            _position++;
            SkipWhitespace();
            var valueStart = _position;
            members.Add(new KeyValuePair<string, JValue>(key, ReadValue(depth + 1)));
            if (depth == 0 && _topLevelRanges is not null)
            {
                _topLevelRanges[key] = new Range(valueStart, _position);
            }

            SkipWhitespace();
            if (AtEnd)
            {
                throw Fail("Expecting ',' delimiter");
            }

            var c = _text[_position++];
            if (c == '}')
            {
                return new JObject(members);
            }

            if (c != ',')
            {
                _position--;
                throw Fail("Expecting ',' delimiter");
            }
        }
    }

    private JArray ReadArray(int depth)
    {
        CheckDepth(depth);
        _position++;
        var items = new List<JValue>();
        SkipWhitespace();
        if (!AtEnd && _text[_position] == ']')
        {
            _position++;
            return new JArray(items);
        }

        while (true)
        {
            SkipWhitespace();
            items.Add(ReadValue(depth + 1));
            SkipWhitespace();
            if (AtEnd)
            {
                throw Fail("Expecting ',' delimiter");
            }

            var c = _text[_position++];
            if (c == ']')
            {
                return new JArray(items);
            }

            if (c != ',')
            {
                _position--;
                throw Fail("Expecting ',' delimiter");
            }
        }
    }
}
