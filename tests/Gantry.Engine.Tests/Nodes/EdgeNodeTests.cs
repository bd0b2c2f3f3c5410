using Gantry.Engine.Tensors;
using Gantry.Engine.Tests.Nodes.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>Morphology and Canny through the engine: wiring, bounds and kornia's failures (values: EdgeFilterTests).</summary>
public sealed class EdgeNodeTests : IDisposable
{
    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Theory]
    [InlineData("dilate", 0.9f, 0.9f, 0.9f)]
    [InlineData("erode", 0.1f, 0.1f, 0.1f)]
    [InlineData("top_hat", 0f, 0.8f, 0f)]
    [InlineData("bottom_hat", 0.8f, 0f, 0.8f)]
    public async Task Morphology_runs_the_named_operation_on_every_channel(string operation, float left, float middle, float right)
    {
        var image = await _runner.ProbeAsync<ImageTensor>($$$$"""
            {"img": {"class_type": "TestImage", "inputs": {"height": 1, "width": 3, "samples": "0.1 0.1 0.1  0.9 0.9 0.9  0.1 0.1 0.1"}},
             "1": {"class_type": "Morphology", "inputs": {"image": ["img", 0], "operation": "{{{{operation}}}}", "kernel_size": 5}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        image.ShouldBe((1, 1, 3, 3), left, left, left, middle, middle, middle, right, right, right);
    }

    [Theory]
    [InlineData(2, "value_smaller_than_min")]
    [InlineData(1000, "value_bigger_than_max")]
    public void Morphology_kernel_size_is_bounded_as_in_ComfyUI(int size, string error)
    {
        var result = _runner.Validate($$$$"""
            {"img": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "1": {"class_type": "Morphology", "inputs": {"image": ["img", 0], "operation": "open", "kernel_size": {{{{size}}}}}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
            """);

        result.NodeErrors.SelectMany(e => e.Value.Errors).ShouldContain(e => e.Type == error);
    }

    [Fact]
    public async Task Canny_returns_the_edge_map_in_three_equal_channels()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"a": {"class_type": "EmptyImage", "inputs": {"width": 12, "height": 9, "batch_size": 2, "color": 0}},
             "b": {"class_type": "EmptyImage", "inputs": {"width": 1, "height": 9, "batch_size": 1, "color": 16777215}},
             "c": {"class_type": "ImageCompositeMasked", "inputs": {"destination": ["a", 0], "source": ["b", 0], "x": 5, "y": 0, "resize_source": false}},
             "1": {"class_type": "Canny", "inputs": {"image": ["c", 0], "low_threshold": 0.4, "high_threshold": 0.8}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        (image.Batch, image.Height, image.Width, image.Channels).ShouldBe((2, 9, 12, 3));
        var span = image.Span;
        for (var p = 0; p < span.Length; p += 3)
        {
            var x = p / 3 % 12;
            span.Slice(p, 3).ToArray().ShouldBe(Enumerable.Repeat(x is 4 or 6 ? 1f : 0f, 3).ToArray(), $"sample {p}");
        }
    }

    [Fact]
    public async Task Canny_refuses_thresholds_in_the_wrong_order_as_kornia_does()
    {
        var error = await _runner.FailureAsync("""
            {"a": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "1": {"class_type": "Canny", "inputs": {"image": ["a", 0], "low_threshold": 0.8, "high_threshold": 0.4}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        error.ExceptionType.ShouldBe("ValueError");
        error.ExceptionMessage.ShouldBe("Invalid input thresholds. low_threshold should be smaller than the high_threshold. Got: 0.8>0.4\n");
    }

    [Theory]
    [InlineData(4, 8, "to have 1 channels, but got 4 channels instead")]
    [InlineData(3, 2, "Padding size should be less than the corresponding input dimension")]
    public async Task Canny_fails_where_kornia_fails(int channels, int width, string message)
    {
        var samples = string.Join(' ', Enumerable.Repeat("0.5", channels * width * 8));
        var error = await _runner.FailureAsync($$$$"""
            {"img": {"class_type": "TestImage", "inputs": {"height": 8, "width": {{{{width}}}}, "channels": {{{{channels}}}}, "samples": "{{{{samples}}}}"}},
             "1": {"class_type": "Canny", "inputs": {"image": ["img", 0], "low_threshold": 0.4, "high_threshold": 0.8}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        error.ExceptionType.ShouldBe("RuntimeError");
        error.ExceptionMessage.ShouldContain(message);
    }
}
