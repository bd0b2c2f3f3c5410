using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Nodes;

public sealed class PrimitiveNodeTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("PrimitiveInt", "-42", "-42")]
    [InlineData("PrimitiveInt", "9223372036854775807", "9223372036854775807")]
    [InlineData("PrimitiveFloat", "0.1", "0.1")]
    [InlineData("PrimitiveFloat", "1e16", "1e+16")]
    [InlineData("PrimitiveBoolean", "false", "False")]
    [InlineData("PrimitiveString", "\"line\"", "line")]
    [InlineData("PrimitiveStringMultiline", "\"a\\nb\"", "a\nb")]
    public async Task Primitives_pass_their_value_and_preview_shows_it_as_python_prints_it(string classType, string literal, string shown)
    {
        var (result, _) = await _harness.RunAsync("""
            {"1": {"class_type": "CLASS", "inputs": {"value": LITERAL}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """.Replace("CLASS", classType, StringComparison.Ordinal).Replace("LITERAL", literal, StringComparison.Ordinal));

        result.Outputs.ShouldHaveSingleItem().Value["text"].ShouldBe(JArray.Of(shown));
    }

    [Fact]
    public async Task StringConcatenate_joins_with_the_delimiter()
    {
        var (result, _) = await _harness.RunAsync("""
            {"1": {"class_type": "StringConcatenate", "inputs": {"string_a": "left", "string_b": "right", "delimiter": ", "}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """);

        result.OutputsJson().ShouldBeJson("""{"2": {"text": ["left, right"]}}""");
    }

    [Fact]
    public async Task PreviewAny_passes_its_text_on_and_shows_dicts_as_indented_json()
    {
        var (result, _) = await _harness.RunAsync("""
            {"1": {"class_type": "PreviewAny", "inputs": {"source": {"__value__": {"k": [true, null]}}}},
             "2": {"class_type": "StringConcatenate", "inputs": {"string_a": ["1", 0], "string_b": "!", "delimiter": ""}},
             "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}}
            """);

        result.OutputsJson().ShouldBeJson("""
            {"1": {"text": ["{\n    \"k\": [\n        true,\n        null\n    ]\n}"]},
             "3": {"text": ["{\n    \"k\": [\n        true,\n        null\n    ]\n}!"]}}
            """);
    }
}
