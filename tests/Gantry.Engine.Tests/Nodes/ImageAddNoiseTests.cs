using Gantry.Engine.Tensors;
using Gantry.Engine.Tests.Nodes.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>
/// ImageAddNoise through the engine. Expected samples are what ComfyUI's formula printed under PyTorch 1.13
/// (<c>clip(image + strength · randn(image.size(), generator=manual_seed(seed)), 0, 1)</c>); images of fewer than 16
/// samples take PyTorch's exact double path, so they are compared to 1e-5.
/// </summary>
public sealed class ImageAddNoiseTests : IDisposable
{
    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task Noise_is_added_with_torchs_generator_and_clipped()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"img": {"class_type": "TestImage", "inputs": {"height": 1, "width": 2, "samples": "0.25 0.5 1  0.9 0.1 0.3"}},
             "1": {"class_type": "ImageAddNoise", "inputs": {"image": ["img", 0], "seed": 3, "strength": 0.37}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        image.ShouldBe((1, 1, 2, 3), 0.547212124f, 0.564688325f, 1f, 0.67292428f, 0.117087506f, 0f);
    }

    [Fact]
    public async Task Strength_zero_returns_the_image()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"img": {"class_type": "EmptyImage", "inputs": {"width": 9, "height": 5, "batch_size": 2, "color": 8421504}},
             "1": {"class_type": "ImageAddNoise", "inputs": {"image": ["img", 0], "seed": 1, "strength": 0.0}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        image.ShouldBe((2, 5, 9, 3), 128 / 255f);
    }

    [Fact]
    public async Task The_batch_is_one_noise_tensor_so_frames_differ()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"img": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 2, "color": 8421504}},
             "1": {"class_type": "ImageAddNoise", "inputs": {"image": ["img", 0], "seed": 5, "strength": 0.2}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        image.Frame(0).SequenceEqual(image.Frame(1)).ShouldBeFalse();
        image.Span.ToArray().ShouldAllBe(v => v >= 0f && v <= 1f);
    }

    [Theory]
    [InlineData("18446744073709551615", true)]
    [InlineData("18446744073709551616", false)]
    [InlineData("-1", false)]
    public void The_seed_may_be_any_unsigned_64_bit_integer(string seed, bool valid)
    {
        var result = _runner.Validate($$$$"""
            {"img": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "1": {"class_type": "ImageAddNoise", "inputs": {"image": ["img", 0], "seed": {{{{seed}}}}, "strength": 0.5}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
            """);

        result.IsValid.ShouldBe(valid);
        if (!valid)
        {
            result.NodeErrors.SelectMany(e => e.Value.Errors).ShouldContain(e => e.Type == (seed == "-1" ? "value_smaller_than_min" : "value_bigger_than_max"));
        }
    }

    [Fact]
    public void Strength_above_one_is_refused()
    {
        var result = _runner.Validate("""
            {"img": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "1": {"class_type": "ImageAddNoise", "inputs": {"image": ["img", 0], "seed": 0, "strength": 1.01}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
            """);

        result.NodeErrors.SelectMany(e => e.Value.Errors).ShouldContain(e => e.Type == "value_bigger_than_max");
    }
}
