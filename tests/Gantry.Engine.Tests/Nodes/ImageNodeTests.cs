using Gantry.Engine.Tensors;
using Gantry.Engine.Tests.Nodes.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>EmptyImage, ImageInvert, the scale nodes and the geometry nodes, through the engine.</summary>
public sealed class ImageNodeTests : IDisposable
{
    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task EmptyImage_fills_a_batch_with_the_colour_bytes_over_255()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 3, "height": 2, "batch_size": 2, "color": 16744448}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        image.ShouldBe((2, 2, 3, 3), [.. Enumerable.Repeat(new[] { 1f, 128 / 255f, 0f }, 12).SelectMany(p => p)]);
    }

    [Fact]
    public async Task ImageInvert_inverts_colours_and_keeps_alpha()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 1, "width": 2, "channels": 4, "samples": "0.25 0.5 1 0.75  0 0.1 0.9 0.2"}},
             "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        image.ShouldBe((1, 1, 2, 4), 0.75f, 0.5f, 0f, 0.75f, 1f, 0.9f, 0.1f, 0.2f);
    }

    [Theory]
    [InlineData(0, 4, 8, 4)]
    [InlineData(2, 0, 2, 1)]
    [InlineData(6, 5, 6, 5)]
    public async Task ImageScale_keeps_the_aspect_ratio_for_a_zero_side(int width, int height, int expectedWidth, int expectedHeight)
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 4, "height": 2, "batch_size": 3, "color": 255}},
             "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "bilinear", "width": WIDTH, "height": HEIGHT, "crop": "disabled"}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """.Replace("WIDTH", $"{width}", StringComparison.Ordinal).Replace("HEIGHT", $"{height}", StringComparison.Ordinal));

        image.ShouldBe((3, expectedHeight, expectedWidth, 3), [.. Enumerable.Repeat(new[] { 0f, 0f, 1f }, 3 * expectedHeight * expectedWidth).SelectMany(p => p)]);
    }

    [Fact]
    public async Task ImageScale_with_both_sides_zero_passes_the_image_through()
    {
        await _runner.RunAsync("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 4, "height": 2, "batch_size": 1, "color": 255}},
             "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "lanczos", "width": 0, "height": 0, "crop": "center"}},
             "a": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}},
             "b": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        _runner.Probe.Single<ImageTensor>("b").ShouldBeSameAs(_runner.Probe.Single<ImageTensor>("a"));
    }

    [Fact]
    public async Task ImageScale_center_crop_cuts_the_source_to_the_target_aspect_first()
    {
        // 4×1 source [0.1 0.2 0.3 0.4] to 2×1 centre-cropped: the middle two columns, nearest-exact.
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 1, "width": 4, "channels": 1, "samples": "0.1 0.2 0.3 0.4"}},
             "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "nearest-exact", "width": 1, "height": 1, "crop": "center"}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        image.ShouldBe((1, 1, 1, 1), 0.3f);
    }

    [Fact]
    public async Task ImageScaleBy_rounds_each_side_of_every_frame()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"batch": 2, "height": 1, "width": 2, "channels": 1, "samples": "0 1 0.5 0.5"}},
             "2": {"class_type": "ImageScaleBy", "inputs": {"image": ["1", 0], "upscale_method": "nearest-exact", "scale_by": 2.0}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        image.ShouldBe((2, 2, 4, 1), 0, 0, 1, 1, 0, 0, 1, 1, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f);
    }

    [Theory]
    [InlineData(1, 145, 72)]
    [InlineData(8, 144, 72)]
    public async Task ImageScaleToTotalPixels_aims_at_the_megapixels_in_multiples_of_the_steps(int steps, int width, int height)
    {
        // 100×50 to 0.01 MP: scale = √(10485.76 / 5000) ≈ 1.4482.
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 100, "height": 50, "batch_size": 1, "color": 0}},
             "2": {"class_type": "ImageScaleToTotalPixels", "inputs": {"image": ["1", 0], "upscale_method": "area", "megapixels": 0.01, "resolution_steps": STEPS}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """.Replace("STEPS", $"{steps}", StringComparison.Ordinal));

        (image.Width, image.Height).ShouldBe((width, height));
    }

    [Fact]
    public async Task ImageCrop_clamps_the_corner_and_cuts_at_the_edge()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 2, "width": 3, "channels": 1, "samples": "1 2 3 4 5 6"}},
             "2": {"class_type": "ImageCrop", "inputs": {"image": ["1", 0], "width": 5, "height": 5, "x": 9, "y": 0}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        image.ShouldBe((1, 2, 1, 1), 3, 6);
    }

    [Fact]
    public async Task ImagePadForOutpaint_pads_with_grey_and_masks_the_border()
    {
        await _runner.RunAsync("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 1, "width": 2, "channels": 1, "samples": "0 1"}},
             "2": {"class_type": "ImagePadForOutpaint", "inputs": {"image": ["1", 0], "left": 1, "top": 0, "right": 0, "bottom": 1, "feathering": 0}},
             "image": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}},
             "mask": {"class_type": "TestProbe", "inputs": {"value": ["2", 1]}}}
            """);

        _runner.Probe.Single<ImageTensor>("image").ShouldBe((1, 2, 3, 1), 0.5f, 0, 1, 0.5f, 0.5f, 0.5f);
        _runner.Probe.Single<MaskTensor>("mask").ShouldBe((1, 2, 3), 1, 0, 0, 1, 1, 1);
    }

    [Fact]
    public async Task ImageFlip_and_ImageRotate_map_their_option_names()
    {
        // 2×3 image, one channel: rows [1 2 3] and [4 5 6].
        await _runner.RunAsync("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 2, "width": 3, "channels": 1, "samples": "1 2 3 4 5 6"}},
             "x": {"class_type": "ImageFlip", "inputs": {"image": ["1", 0], "flip_method": "x-axis: vertically"}},
             "y": {"class_type": "ImageFlip", "inputs": {"image": ["1", 0], "flip_method": "y-axis: horizontally"}},
             "r90": {"class_type": "ImageRotate", "inputs": {"image": ["1", 0], "rotation": "90 degrees"}},
             "r270": {"class_type": "ImageRotate", "inputs": {"image": ["1", 0], "rotation": "270 degrees"}},
             "px": {"class_type": "TestProbe", "inputs": {"value": ["x", 0]}},
             "py": {"class_type": "TestProbe", "inputs": {"value": ["y", 0]}},
             "p90": {"class_type": "TestProbe", "inputs": {"value": ["r90", 0]}},
             "p270": {"class_type": "TestProbe", "inputs": {"value": ["r270", 0]}}}
            """);

        _runner.Probe.Single<ImageTensor>("px").ShouldBe((1, 2, 3, 1), 4, 5, 6, 1, 2, 3);
        _runner.Probe.Single<ImageTensor>("py").ShouldBe((1, 2, 3, 1), 3, 2, 1, 6, 5, 4);
        _runner.Probe.Single<ImageTensor>("p90").ShouldBe((1, 3, 2, 1), 4, 1, 5, 2, 6, 3);
        _runner.Probe.Single<ImageTensor>("p270").ShouldBe((1, 3, 2, 1), 3, 6, 2, 5, 1, 4);
    }
}
