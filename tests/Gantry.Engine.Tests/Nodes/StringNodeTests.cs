using Gantry.Engine.Nodes.Text;
using Gantry.Engine.Tests.Nodes.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>
/// The utils/string nodes against what CPython 3.11 (ComfyUI's interpreter) answers for the same str and re calls;
/// each expected value below was taken from Python itself.
/// </summary>
public sealed class StringNodeTests : IDisposable
{
    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Theory]
    [InlineData("UPPERCASE", "straße ﬁx ǆemal", "STRASSE FIX ǄEMAL")]
    [InlineData("lowercase", "ΣΑΣ ΟΔΟΣ. İx", "σας οδος. i\u0307x")]
    [InlineData("Title Case", "they're ǆungla ßa 1st", "They'Re ǅungla Ssa 1St")]
    [InlineData("Capitalize", "ǆUNGLA ΌΣΟΣ", "ǅungla όσος")]
    [InlineData("UPPERCASE", "a\ud800b😀", "A\ud800B😀")]
    public async Task CaseConverter_uses_pythons_full_case_mappings(string mode, string text, string expected) =>
        (await RunAsync<string>("CaseConverter", new { @string = text, mode })).ShouldBe(expected);

    [Theory]
    [InlineData("héllo😀world", 2, -3, "llo😀wo")]
    [InlineData("abc", -100, 100, "abc")]
    [InlineData("abc", 2, 1, "")]
    [InlineData("a😀b", 1, 2, "😀")]
    public async Task StringSubstring_slices_code_points_as_python_does(string text, long start, long end, string expected) =>
        (await RunAsync<string>("StringSubstring", new { @string = text, start, end })).ShouldBe(expected);

    [Fact]
    public async Task StringSubstring_takes_indices_beyond_64_bits()
    {
        var prompt = Prompt("StringSubstring", """{"string": "abc", "start": -99999999999999999999999, "end": 99999999999999999999999}""");
        (await _runner.ProbeAsync<string>(prompt)).ShouldBe("abc");
    }

    [Theory]
    [InlineData("a😀", 2)]
    [InlineData("", 0)]
    public async Task StringLength_counts_code_points(string text, long expected) =>
        (await RunAsync<long>("StringLength", new { @string = text })).ShouldBe(expected);

    [Fact]
    public async Task A_lone_surrogate_is_one_code_point_and_survives_slicing()
    {
        var text = "a\ud800b\udc00\ud83d\ude00";
        (await RunAsync<long>("StringLength", new { @string = text })).ShouldBe(5);
        using var other = new NodeRunner();
        (await other.ProbeAsync<string>(Prompt("StringSubstring", Json(new { @string = text, start = 1, end = 4 })))).ShouldBe("\ud800b\udc00");
    }

    [Fact]
    public async Task StringLength_of_a_255_byte_string()
    {
        var text = string.Concat(Enumerable.Repeat("é", 127)) + "x";
        System.Text.Encoding.UTF8.GetByteCount(text).ShouldBe(255);
        (await RunAsync<long>("StringLength", new { @string = text })).ShouldBe(128);
    }

    [Theory]
    [InlineData("Both", "\u001c a \u200b\u3000", "a \u200b")]
    [InlineData("Left", " \t a ", "a ")]
    [InlineData("Right", " a \n", " a")]
    public async Task StringTrim_strips_pythons_whitespace(string mode, string text, string expected) =>
        (await RunAsync<string>("StringTrim", new { @string = text, mode })).ShouldBe(expected);

    [Theory]
    [InlineData("ab😀", "", "-", "-a-b-😀-")]
    [InlineData("aaaa", "aa", "b", "bb")]
    [InlineData("abc", "x", "y", "abc")]
    public async Task StringReplace_replaces_every_occurrence(string text, string find, string replace, string expected) =>
        (await RunAsync<string>("StringReplace", new { @string = text, find, replace })).ShouldBe(expected);

    [Fact]
    public async Task StringReplace_refuses_a_result_past_its_bound_with_MemoryError()
    {
        var replace = new string('x', 1 << 20);
        var error = await _runner.FailureAsync(Prompt("StringReplace", Json(new { @string = new string('a', 100), find = string.Empty, replace })));
        error.ExceptionType.ShouldBe("MemoryError");
    }

    [Theory]
    [InlineData("ǅA", "ǆa", false, "Equal", true)]
    [InlineData("Straße", "STRASSE", false, "Equal", false)]
    [InlineData("Hello", "he", false, "Starts With", true)]
    [InlineData("Hello", "LO", true, "Ends With", false)]
    public async Task StringCompare_compares_lowercased_when_not_case_sensitive(string a, string b, bool caseSensitive, string mode, bool expected) =>
        (await RunAsync<bool>("StringCompare", new { string_a = a, string_b = b, mode, case_sensitive = caseSensitive })).ShouldBe(expected);

    [Theory]
    [InlineData("Hello World", "WORLD", false, true)]
    [InlineData("Hello World", "WORLD", true, false)]
    [InlineData("x", "", true, true)]
    public async Task StringContains_matches_pythons_in(string text, string substring, bool caseSensitive, bool expected) =>
        (await RunAsync<bool>("StringContains", new { @string = text, substring, case_sensitive = caseSensitive })).ShouldBe(expected);

    [Theory]
    [InlineData("abc", "B", true, true)]
    [InlineData("abc", "B", false, false)]
    [InlineData("abc", "(", true, false)]
    [InlineData("abc", @"c\z", true, false)]
    [InlineData("abc\n", @"c\Z", true, false)]
    [InlineData("abc", @"(?P<x>b)(?P=x)?c", true, true)]
    [InlineData("abc", "(?<x>b)", true, false)]
    public async Task RegexMatch_searches_and_rejects_what_python_rejects(string text, string pattern, bool caseInsensitive, bool expected) =>
        (await RunAsync<bool>("RegexMatch", new { @string = text, regex_pattern = pattern, case_insensitive = caseInsensitive, multiline = false, dotall = false })).ShouldBe(expected);

    [Theory]
    [InlineData("12 3", "First Match", @"\d+", 1, "12")]
    [InlineData("12 3", "All Matches", @"\d+", 1, "12\n3")]
    [InlineData("ab", "All Matches", @"(a)|b", 1, "a\n")]
    [InlineData("12 3", "All Matches", @"(\d)(\d)?", 1, "1\n3")]
    [InlineData("12 3", "First Group", @"(\d)(\d)", 2, "2")]
    [InlineData("12 3", "First Group", @"(\d)", 0, "1")]
    [InlineData("12 3", "First Group", @"(\d)", 5, "")]
    [InlineData("12 3", "All Groups", @"(\d)(\d)?", 1, "1\n3")]
    [InlineData("12 3", "All Groups", @"\d", 0, "")]
    [InlineData("12 3", "First Match", "[", 1, "")]
    public async Task RegexExtract_modes_follow_findall_and_groups(string text, string mode, string pattern, int groupIndex, string expected) =>
        (await RunAsync<string>("RegexExtract", new { @string = text, regex_pattern = pattern, mode, case_insensitive = true, multiline = false, dotall = false, group_index = groupIndex }))
            .ShouldBe(expected);

    [Fact]
    public async Task RegexExtract_all_groups_fails_on_a_group_that_did_not_take_part_as_python_does()
    {
        var error = await _runner.FailureAsync(Prompt("RegexExtract", Json(new
        {
            @string = "12 3",
            regex_pattern = @"(\d)(\d)?",
            mode = "All Groups",
            case_insensitive = true,
            multiline = false,
            dotall = false,
            group_index = 2,
        })));
        error.ExceptionType.ShouldBe("TypeError");
    }

    [Theory]
    [InlineData("1 23", @"(?P<x>\d)(\d)?", @"<\g<x>|\2|\g<0>>\n\\\&", 0, "<1||1>\n\\\\& <2|3|23>\n\\\\&")]
    [InlineData("abxd", "x*", "-", 0, "-a-b--d-")]
    [InlineData("a", "(a)", @"\101\0", 0, "A\0")]
    [InlineData("aaaa", "a", "b", 2, "bbaa")]
    [InlineData("A\nA\n", "a$", "b", 0, "A\nb\n")]
    public async Task RegexReplace_expands_python_templates(string text, string pattern, string replace, int count, string expected) =>
        (await RunAsync<string>("RegexReplace", new { @string = text, regex_pattern = pattern, replace, count })).ShouldBe(expected);

    [Theory]
    [InlineData("(", "x")]
    [InlineData("a", @"\q")]
    [InlineData("a", @"\2")]
    [InlineData("a", @"\g<nope>")]
    public async Task RegexReplace_fails_with_re_error_on_a_bad_pattern_or_template(string pattern, string replace)
    {
        var error = await _runner.FailureAsync(Prompt("RegexReplace", Json(new { @string = "zzz", regex_pattern = pattern, replace })));
        error.ExceptionType.ShouldBe("re.error");
    }

    [Fact]
    public async Task A_catastrophic_pattern_is_stopped_by_the_timeout()
    {
        var text = new string('a', 40) + "!";
        var error = await _runner.FailureAsync(Prompt("RegexMatch", Json(new
        {
            @string = text,
            regex_pattern = "^(a+)+$",
            case_insensitive = false,
            multiline = false,
            dotall = false,
        })));
        error.ExceptionType.ShouldBe("RuntimeError");
        error.ExceptionMessage.ShouldContain("regular expression took longer than");
    }

    [Fact]
    public async Task RegexReplace_refuses_a_huge_expansion()
    {
        var error = await _runner.FailureAsync(Prompt("RegexReplace", Json(new
        {
            @string = new string('a', 200),
            regex_pattern = "",
            replace = new string('x', 1 << 19),
        })));
        error.ExceptionType.ShouldBe("MemoryError", error.ExceptionMessage);
    }

    [Fact]
    public void Case_data_covers_the_cased_ranges_python_reports()
    {
        PyText.IsCased('a').ShouldBeTrue();
        PyText.IsCased(0x2160).ShouldBeTrue(); // Roman numeral one: Other_Uppercase
        PyText.IsCased('1').ShouldBeFalse();
        PyText.IsCased('\'').ShouldBeFalse();
    }

    private async Task<T> RunAsync<T>(string classType, object inputs) =>
        await _runner.ProbeAsync<T>(Prompt(classType, Json(inputs)));

    /// <summary>The anonymous object as JSON, every non-ASCII UTF-16 unit escaped (so a lone surrogate survives).</summary>
    private static string Json(object inputs)
    {
        var members = inputs.GetType().GetProperties().Select(p => $"{JsonString(p.Name)}: {Value(p.GetValue(inputs))}");
        return "{" + string.Join(", ", members) + "}";

        static string Value(object? value) => value switch
        {
            string text => JsonString(text),
            bool flag => flag ? "true" : "false",
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        };
    }

    private static string JsonString(string text)
    {
        var json = new System.Text.StringBuilder("\"");
        foreach (var c in text)
        {
            json.Append(c is '"' or '\\' ? $"\\{c}" : c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return json.Append('"').ToString();
    }

    private static string Prompt(string classType, string inputs) =>
        "{\"1\": {\"class_type\": \"" + classType + "\", \"inputs\": " + inputs + "}, "
        + "\"probe\": {\"class_type\": \"TestProbe\", \"inputs\": {\"value\": [\"1\", 0]}}}";
}
