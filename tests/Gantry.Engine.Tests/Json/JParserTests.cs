using System.Numerics;
using System.Text;

namespace Gantry.Engine.Tests.Json;

public sealed class JParserTests
{
    [Fact]
    public void Integers_are_unbounded_and_keep_their_sign()
    {
        var value = JParser.Parse("""{"seed": 18446744073709551615, "neg": -5, "big": 123456789012345678901234567890}""");

        var obj = value.ShouldBeOfType<JObject>();
        obj["seed"].ShouldBeOfType<JInt>().Value.ShouldBe(BigInteger.Parse("18446744073709551615"));
        obj["neg"].ShouldBeOfType<JInt>().Value.ShouldBe(new BigInteger(-5));
        obj["big"].ShouldBeOfType<JInt>().Value.ToString().ShouldBe("123456789012345678901234567890");
        value.ToJsonString().ShouldBe("""{"seed":18446744073709551615,"neg":-5,"big":123456789012345678901234567890}""");
    }

    [Fact]
    public void Python_float_literals_are_values_and_are_written_back_as_python_does()
    {
        var value = JParser.Parse("[NaN, Infinity, -Infinity, 1.0, 1e16, 0.1, 1E-7, -0.0]");

        var items = value.ShouldBeOfType<JArray>();
        double.IsNaN(items[0].ShouldBeOfType<JFloat>().Value).ShouldBeTrue();
        items[1].ShouldBeOfType<JFloat>().Value.ShouldBe(double.PositiveInfinity);
        items[2].ShouldBeOfType<JFloat>().Value.ShouldBe(double.NegativeInfinity);
        value.ToJsonString().ShouldBe("[NaN,Infinity,-Infinity,1.0,1e+16,0.1,1e-07,-0.0]");
    }

    [Fact]
    public void A_number_with_fraction_or_exponent_is_a_float_and_one_without_is_an_int()
    {
        JParser.Parse("5").ShouldBeOfType<JInt>();
        JParser.Parse("5.0").ShouldBeOfType<JFloat>();
        JParser.Parse("5e0").ShouldBeOfType<JFloat>();
    }

    [Fact]
    public void A_repeated_key_keeps_its_first_position_and_last_value()
    {
        var obj = JParser.Parse("""{"a": 1, "b": 2, "a": 3}""").ShouldBeOfType<JObject>();

        obj.Keys.ShouldBe(["a", "b"]);
        obj["a"].ShouldBe(new JInt(3));
    }

    [Fact]
    public void Strings_decode_escapes_and_unicode()
    {
        var value = JParser.Parse("\"a\\n\\u00e9\\ud83d\\ude00 \u00fc\"");

        value.AsString.ShouldBe("a\né😀 ü");
        value.ToJsonString().ShouldBe("\"a\\né😀 ü\"");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"a\" 1}")]
    [InlineData("[1,]")]
    [InlineData("01")]
    [InlineData("nan")]
    [InlineData("\"tab\there\"")]
    [InlineData("{} x")]
    public void Malformed_text_is_reported_without_throwing(string json)
    {
        JParser.TryParse(json, out var value, out var error).ShouldBeFalse();
        value.ShouldBeNull();
        error.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void Invalid_utf8_is_reported_without_throwing()
    {
        JParser.TryParse([(byte)'"', 0xC3, 0x28, (byte)'"'], out _, out var error).ShouldBeFalse();
        error.ShouldContain("UTF-8");
    }

    [Fact]
    public void Deep_nesting_is_refused_instead_of_overflowing_the_stack()
    {
        var json = new string('[', 10_000) + new string(']', 10_000);

        JParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error).ShouldBeFalse();
        error.ShouldContain("depth");
    }

    [Fact]
    public void System_text_json_writes_jvalues_with_python_literals()
    {
        var payload = new Dictionary<string, JValue> { ["v"] = JParser.Parse("[NaN, 18446744073709551615]") };

        System.Text.Json.JsonSerializer.Serialize(payload).ShouldBe("""{"v":[NaN,18446744073709551615]}""");
    }

    [Fact]
    public void System_text_json_reads_jvalues()
    {
        var value = System.Text.Json.JsonSerializer.Deserialize<JObject>("""{"a": [1, 2.5, "x", null, true]}""");

        value.ShouldNotBeNull().ToJsonString().ShouldBe("""{"a":[1,2.5,"x",null,true]}""");
    }
}
