using System.Globalization;
using System.Numerics;
using System.Text;

namespace Gantry.Engine.Json;

public static partial class JParser
{
    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _text;
        private readonly bool _refuseLoneSurrogates;
        private readonly Dictionary<string, Range>? _topLevelRanges;

        /// <param name="text">The UTF-8 JSON text.</param>
        /// <param name="refuseLoneSurrogates">Whether a <c>\uXXXX</c> escape making a lone UTF-16 surrogate is an error.</param>
        /// <param name="topLevelRanges">When set, receives the byte range of each member value of a top-level object.</param>
        public Reader(ReadOnlySpan<byte> text, bool refuseLoneSurrogates, Dictionary<string, Range>? topLevelRanges)
        {
            _text = text;
            _refuseLoneSurrogates = refuseLoneSurrogates;
            _topLevelRanges = topLevelRanges;
            Position = 0;
        }

        public int Position { get; set; }

        public readonly bool AtEnd => Position >= _text.Length;

        public readonly bool StartsWithBom() => _text.Length >= 3 && _text[0] == 0xEF && _text[1] == 0xBB && _text[2] == 0xBF;

        public void SkipWhitespace()
        {
            while (Position < _text.Length && _text[Position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                Position++;
            }
        }

        public readonly FormatException Fail(string message) =>
            new(string.Create(CultureInfo.InvariantCulture, $"{message}: char {Position}"));

        /// <param name="depth">How many arrays and objects enclose the value.</param>
        public JValue ReadValue(int depth)
        {
            if (AtEnd)
            {
                throw Fail("Expecting value");
            }

            var c = _text[Position];
            switch (c)
            {
                case (byte)'{':
                    return ReadObject(depth);
                case (byte)'[':
                    return ReadArray(depth);
                case (byte)'"':
                    return new JString(ReadString());
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
                        Position += "-Infinity".Length;
                        return new JFloat(double.NegativeInfinity);
                    }

                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return ReadNumber();
                    }

                    throw Fail("Expecting value");
            }
        }

        private readonly bool Matches(string word)
        {
            if (Position + word.Length > _text.Length)
            {
                return false;
            }

            for (var i = 0; i < word.Length; i++)
            {
                if (_text[Position + i] != word[i])
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

            Position += word.Length;
        }

        private readonly void CheckDepth(int depth)
        {
            if (depth >= MaxDepth)
            {
                throw Fail(string.Create(CultureInfo.InvariantCulture, $"Maximum nesting depth of {MaxDepth} exceeded"));
            }
        }

        private JObject ReadObject(int depth)
        {
            CheckDepth(depth);
            Position++;
            var members = new List<KeyValuePair<string, JValue>>();
            SkipWhitespace();
            if (!AtEnd && _text[Position] == '}')
            {
                Position++;
                return new JObject(members);
            }

            while (true)
            {
                SkipWhitespace();
                if (AtEnd || _text[Position] != '"')
                {
                    throw Fail("Expecting property name enclosed in double quotes");
                }

                var key = ReadString();
                SkipWhitespace();
                if (AtEnd || _text[Position] != ':')
                {
                    throw Fail("Expecting ':' delimiter");
                }

                Position++;
                SkipWhitespace();
                var valueStart = Position;
                members.Add(new KeyValuePair<string, JValue>(key, ReadValue(depth + 1)));
                if (depth == 0 && _topLevelRanges is not null)
                {
                    _topLevelRanges[key] = new Range(valueStart, Position);
                }

                SkipWhitespace();
                if (AtEnd)
                {
                    throw Fail("Expecting ',' delimiter");
                }

                var c = _text[Position++];
                if (c == '}')
                {
                    return new JObject(members);
                }

                if (c != ',')
                {
                    Position--;
                    throw Fail("Expecting ',' delimiter");
                }
            }
        }

        private JArray ReadArray(int depth)
        {
            CheckDepth(depth);
            Position++;
            var items = new List<JValue>();
            SkipWhitespace();
            if (!AtEnd && _text[Position] == ']')
            {
                Position++;
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

                var c = _text[Position++];
                if (c == ']')
                {
                    return new JArray(items);
                }

                if (c != ',')
                {
                    Position--;
                    throw Fail("Expecting ',' delimiter");
                }
            }
        }

        private JValue ReadNumber()
        {
            var start = Position;
            if (_text[Position] == '-')
            {
                Position++;
            }

            if (AtEnd || !IsDigit(_text[Position]))
            {
                Position = start;
                throw Fail("Expecting value");
            }

            // Python's number grammar: 0 | [1-9][0-9]*  (a leading zero ends the integer part).
            if (_text[Position] == '0')
            {
                Position++;
            }
            else
            {
                SkipDigits();
            }

            var isFloat = false;
            if (Position + 1 < _text.Length && _text[Position] == '.' && IsDigit(_text[Position + 1]))
            {
                isFloat = true;
                Position++;
                SkipDigits();
            }

            if (Position < _text.Length && _text[Position] is (byte)'e' or (byte)'E')
            {
                var save = Position;
                Position++;
                if (Position < _text.Length && _text[Position] is (byte)'+' or (byte)'-')
                {
                    Position++;
                }

                if (Position < _text.Length && IsDigit(_text[Position]))
                {
                    isFloat = true;
                    SkipDigits();
                }
                else
                {
                    Position = save;
                }
            }

            var literal = _text[start..Position];
            if (isFloat)
            {
                return new JFloat(double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture));
            }

            return long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small)
                ? new JInt(small)
                : new JInt(BigInteger.Parse(Encoding.ASCII.GetString(literal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        private void SkipDigits()
        {
            while (Position < _text.Length && IsDigit(_text[Position]))
            {
                Position++;
            }
        }

        private static bool IsDigit(byte c) => c >= '0' && c <= '9';

        private string ReadString()
        {
            Position++; // opening quote
            var start = Position;
            while (Position < _text.Length && _text[Position] != '"' && _text[Position] != '\\' && _text[Position] >= 0x20)
            {
                Position++;
            }

            // Most strings (keys, class types, file names) have no escape: one decode, no builder.
            if (Position < _text.Length && _text[Position] == '"')
            {
                Position++;
                return Decode(_text[start..(Position - 1)]);
            }

            Position = start;
            var builder = new StringBuilder();
            while (true)
            {
                var runStart = Position;
                while (Position < _text.Length && _text[Position] != '"' && _text[Position] != '\\' && _text[Position] >= 0x20)
                {
                    Position++;
                }

                if (Position > runStart)
                {
                    AppendUtf8(builder, _text[runStart..Position]);
                }

                if (AtEnd)
                {
                    throw Fail("Unterminated string");
                }

                var c = _text[Position];
                if (c == '"')
                {
                    Position++;
                    return builder.ToString();
                }

                if (c < 0x20)
                {
                    throw Fail("Invalid control character");
                }

                ReadEscape(builder);
            }
        }

        private readonly string Decode(ReadOnlySpan<byte> bytes)
        {
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw Fail("Invalid UTF-8");
            }
        }

        private readonly void AppendUtf8(StringBuilder builder, ReadOnlySpan<byte> bytes)
        {
            try
            {
                builder.Append(StrictUtf8.GetString(bytes));
            }
            catch (DecoderFallbackException)
            {
                throw Fail("Invalid UTF-8");
            }
        }

        private void ReadEscape(StringBuilder builder)
        {
            Position++; // backslash
            if (AtEnd)
            {
                throw Fail("Unterminated string");
            }

            var c = _text[Position++];
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
                    ReadUnicodeEscape(builder);
                    break;
                default:
                    Position--;
                    throw Fail("Invalid \\escape");
            }
        }

        /// <summary>After <c>\u</c>: one UTF-16 unit, or a surrogate pair written as two escapes.</summary>
        private void ReadUnicodeEscape(StringBuilder builder)
        {
            var escapeStart = Position - 2;
            var unit = ReadHex4();
            if (char.IsHighSurrogate((char)unit)
                && Position + 6 <= _text.Length && _text[Position] == '\\' && _text[Position + 1] == 'u'
                && Hex4(_text, Position + 2) is var low and >= 0xDC00 and <= 0xDFFF)
            {
                Position += 6;
                builder.Append((char)unit).Append((char)low);
                return;
            }

            if (_refuseLoneSurrogates && char.IsSurrogate((char)unit))
            {
                Position = escapeStart;
                throw Fail("Lone UTF-16 surrogate in \\uXXXX escape");
            }

            builder.Append((char)unit);
        }

        private int ReadHex4()
        {
            if (Position + 4 > _text.Length)
            {
                throw Fail("Invalid \\uXXXX escape");
            }

            var value = 0;
            for (var i = 0; i < 4; i++)
            {
                var c = _text[Position + i];
                var digit = c switch
                {
                    >= (byte)'0' and <= (byte)'9' => c - '0',
                    >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                    >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                    _ => throw Fail("Invalid \\uXXXX escape"),
                };
                value = (value << 4) | digit;
            }

            Position += 4;
            return value;
        }
    }
}
