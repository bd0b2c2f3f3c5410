using System.Numerics;

namespace Gantry.Engine.Tests.Json;

public sealed class PyOpsTests
{
    [Theory]
    [InlineData("\"12\"", "12")]
    [InlineData("\" -7 \"", "-7")]
    [InlineData("\"1_000\"", "1000")]
    [InlineData("3.99", "3")]
    [InlineData("-3.99", "-3")]
    [InlineData("true", "1")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    public void Int_converts_like_python(string json, string expected) =>
        PyOps.ToInt(JParser.Parse(json)).Value.ShouldBe(BigInteger.Parse(expected));

    [Theory]
    [InlineData("\"12.5\"", "ValueError", "invalid literal for int() with base 10: '12.5'")]
    [InlineData("\"\"", "ValueError", "invalid literal for int() with base 10: ''")]
    [InlineData("NaN", "ValueError", "cannot convert float NaN to integer")]
    [InlineData("Infinity", "OverflowError", "cannot convert float infinity to integer")]
    [InlineData("null", "TypeError", "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'")]
    [InlineData("{\"a\": 1}", "TypeError", "int() argument must be a string, a bytes-like object or a real number, not 'dict'")]
    public void Int_fails_like_python(string json, string type, string message)
    {
        var ex = Should.Throw<NodeException>(() => PyOps.ToInt(JParser.Parse(json)));
        ex.ExceptionType.ShouldBe(type);
        ex.Message.ShouldBe(message);
    }

    [Theory]
    [InlineData("\"1.5\"", 1.5)]
    [InlineData("\" 2 \"", 2.0)]
    [InlineData("\"1e3\"", 1000.0)]
    [InlineData("\"-inf\"", double.NegativeInfinity)]
    [InlineData("7", 7.0)]
    [InlineData("false", 0.0)]
    public void Float_converts_like_python(string json, double expected) =>
        PyOps.ToFloat(JParser.Parse(json)).Value.ShouldBe(expected);

    [Fact]
    public void Float_of_nan_text_is_nan_and_bad_text_fails()
    {
        double.IsNaN(PyOps.ToFloat(new JString("nan")).Value).ShouldBeTrue();
        Should.Throw<NodeException>(() => PyOps.ToFloat(new JString("abc"))).Message.ShouldBe("could not convert string to float: 'abc'");
    }

    [Theory]
    [InlineData("\"false\"", true)]
    [InlineData("\"\"", false)]
    [InlineData("0", false)]
    [InlineData("0.0", false)]
    [InlineData("NaN", true)]
    [InlineData("[]", false)]
    [InlineData("null", false)]
    [InlineData("{\"k\": 0}", true)]
    public void Truthiness_is_pythons(string json, bool expected) => PyOps.Truthy(JParser.Parse(json)).ShouldBe(expected);

    [Theory]
    [InlineData("12", "12")]
    [InlineData("1.0", "1.0")]
    [InlineData("1e16", "1e+16")]
    [InlineData("true", "True")]
    [InlineData("null", "None")]
    [InlineData("[1, \"a\", null]", "[1, 'a', None]")]
    [InlineData("{\"k\": [true]}", "{'k': [True]}")]
    public void Str_is_pythons(string json, string expected) => PyOps.ToStr(JParser.Parse(json)).Value.ShouldBe(expected);

    [Fact]
    public void Comparisons_mix_ints_and_floats_exactly_and_refuse_unorderable_types()
    {
        PyOps.LessThan(new JInt(5), new JFloat(5.5)).ShouldBeTrue();
        PyOps.GreaterThan(new JInt(BigInteger.Pow(2, 64)), new JFloat(1.8e19)).ShouldBeTrue();
        PyOps.LessThan(new JFloat(double.NaN), new JInt(0)).ShouldBeFalse();
        var ex = Should.Throw<NodeException>(() => PyOps.LessThan(new JString("a"), new JInt(1)));
        ex.ExceptionType.ShouldBe("TypeError");
        ex.Message.ShouldBe("'<' not supported between instances of 'str' and 'int'");
    }

    [Fact]
    public void Membership_uses_python_equality()
    {
        var options = JParser.Parse("[1, \"a\"]");
        PyOps.Contains(options, new JFloat(1.0)).ShouldBeTrue();
        PyOps.Contains(options, JBool.True).ShouldBeTrue();
        PyOps.Contains(options, new JString("b")).ShouldBeFalse();
    }
}
