namespace Gantry.Engine.Tests.Json;

public sealed class PyFormatTests
{
    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(100.0, "100.0")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(-2.5e-10, "-2.5e-10")]
    [InlineData(9.223372036854776e18, "9.223372036854776e+18")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    public void Floats_print_as_python_repr(double value, string expected) => PyFormat.Repr(value).ShouldBe(expected);

    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "\"it's\"")]
    [InlineData("both ' and \"", "'both \\' and \"'")]
    [InlineData("tab\tnew\nline", "'tab\\tnew\\nline'")]
    [InlineData("bell\u0007", "'bell\\x07'")]
    [InlineData("caf\u00e9", "'café'")]
    public void Strings_repr_as_python(string value, string expected) => PyFormat.StringRepr(value).ShouldBe(expected);

    [Fact]
    public void Python_indented_dump_escapes_non_ascii_like_json_dumps()
    {
        var value = JParser.Parse("""{"a": [1, 2.0], "b": {}, "c": "é"}""");

        JWriter.ToPythonIndented(value).ShouldBe("{\n    \"a\": [\n        1,\n        2.0\n    ],\n    \"b\": {},\n    \"c\": \"\\u00e9\"\n}");
    }
}
