using Gantry.Engine.Tests.Nodes.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>ComfyNotNode ("Not"): Python's truthiness of whatever arrives, negated.</summary>
public sealed class LogicNodeTests : IDisposable
{
    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Theory]
    [InlineData("""{"class_type": "PrimitiveInt", "inputs": {"value": 0}}""", true)]
    [InlineData("""{"class_type": "PrimitiveInt", "inputs": {"value": -3}}""", false)]
    [InlineData("""{"class_type": "PrimitiveFloat", "inputs": {"value": 0.0}}""", true)]
    [InlineData("""{"class_type": "PrimitiveString", "inputs": {"value": ""}}""", true)]
    [InlineData("""{"class_type": "PrimitiveString", "inputs": {"value": " "}}""", false)]
    [InlineData("""{"class_type": "PrimitiveBoolean", "inputs": {"value": false}}""", true)]
    [InlineData("""{"class_type": "SolidMask", "inputs": {"value": 0.0, "width": 1, "height": 1}}""", true)]
    [InlineData("""{"class_type": "SolidMask", "inputs": {"value": 0.5, "width": 1, "height": 1}}""", false)]
    public async Task Not_negates_pythons_truthiness(string source, bool expected)
    {
        var result = await _runner.ProbeAsync<bool>($$$$"""
            {"src": {{{{source}}}},
             "1": {"class_type": "ComfyNotNode", "inputs": {"value": ["src", 0]}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        result.ShouldBe(expected);
    }

    [Fact]
    public async Task A_tensor_of_more_than_one_sample_is_ambiguous_as_in_PyTorch()
    {
        var error = await _runner.FailureAsync("""
            {"src": {"class_type": "SolidMask", "inputs": {"value": 1.0, "width": 2, "height": 1}},
             "1": {"class_type": "ComfyNotNode", "inputs": {"value": ["src", 0]}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        error.ExceptionType.ShouldBe("RuntimeError");
        error.ExceptionMessage.ShouldStartWith("Boolean value of Tensor with more than one value is ambiguous");
    }
}
