using Gantry.Engine.Tensors;
using Gantry.Engine.Tests.Nodes.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>
/// GetImageSize, the YUV pair, ImageColorToMask, RebatchImages, ImageStitch, ResizeAndPadImage and
/// ImageScaleToMaxDimension through the engine. The YUV expectations are PyTorch's float32 results for kornia's
/// formulas (the real ComfyUI of the fidelity tier cannot run these nodes: its kornia is a stub).
/// </summary>
public sealed class NewImageNodeTests : IDisposable
{
    private const string TwoPixels = """
        "img": {"class_type": "TestImage", "inputs": {"height": 1, "width": 2, "samples": "0.25 0.5 1  0.9 0.1 0.3"}},
        """;

    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task GetImageSize_returns_width_height_and_batch()
    {
        await _runner.RunAsync("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 7, "height": 3, "batch_size": 2, "color": 0}},
             "2": {"class_type": "GetImageSize", "inputs": {"image": ["1", 0]}},
             "w": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}},
             "h": {"class_type": "TestProbe", "inputs": {"value": ["2", 1]}},
             "b": {"class_type": "TestProbe", "inputs": {"value": ["2", 2]}}}
            """);

        (_runner.Probe.Single<long>("w"), _runner.Probe.Single<long>("h"), _runner.Probe.Single<long>("b")).ShouldBe((7L, 3L, 2L));
    }

    [Fact]
    public async Task ImageRGBToYUV_gives_kornias_YCbCr_in_every_channel()
    {
        await _runner.RunAsync("{" + TwoPixels + """
             "1": {"class_type": "ImageRGBToYUV", "inputs": {"image": ["img", 0]}},
             "y": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}},
             "u": {"class_type": "TestProbe", "inputs": {"value": ["1", 1]}},
             "v": {"class_type": "TestProbe", "inputs": {"value": ["1", 2]}}}
            """);

        _runner.Probe.Single<ImageTensor>("y").ShouldBe((1, 1, 2, 3), 0.48225000500679016f, 0.48225000500679016f, 0.48225000500679016f, 0.3619999885559082f, 0.3619999885559082f, 0.3619999885559082f);
        _runner.Probe.Single<ImageTensor>("u").ShouldBe((1, 1, 2, 3), 0.792011022567749f, 0.792011022567749f, 0.792011022567749f, 0.46503201127052307f, 0.46503201127052307f, 0.46503201127052307f);
        _runner.Probe.Single<ImageTensor>("v").ShouldBe((1, 1, 2, 3), 0.3344057500362396f, 0.3344057500362396f, 0.3344057500362396f, 0.8835939764976501f, 0.8835939764976501f, 0.8835939764976501f);
    }

    [Fact]
    public async Task YUV_and_back_is_the_image_within_kornias_rounded_coefficients()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("{" + TwoPixels + """
             "1": {"class_type": "ImageRGBToYUV", "inputs": {"image": ["img", 0]}},
             "2": {"class_type": "ImageYUVToRGB", "inputs": {"Y": ["1", 0], "U": ["1", 1], "V": ["1", 2]}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        image.ShouldBe((1, 1, 2, 3), 0.2499212771654129f, 0.5000325441360474f, 0.9999855756759644f, 0.90018230676651f, 0.10014289617538452f, 0.30000174045562744f);
    }

    [Fact]
    public async Task ImageRGBToYUV_refuses_an_rgba_image_as_kornia_does()
    {
        var error = await _runner.FailureAsync("""
            {"img": {"class_type": "TestImage", "inputs": {"height": 1, "width": 1, "channels": 4, "samples": "0 0 0 1"}},
             "1": {"class_type": "ImageRGBToYUV", "inputs": {"image": ["img", 0]}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);
        error.ExceptionType.ShouldBe("ValueError");
    }

    [Fact]
    public async Task ImageYUVToRGB_refuses_planes_of_different_sizes()
    {
        var error = await _runner.FailureAsync("""
            {"a": {"class_type": "EmptyImage", "inputs": {"width": 2, "height": 2, "batch_size": 1, "color": 0}},
             "b": {"class_type": "EmptyImage", "inputs": {"width": 3, "height": 2, "batch_size": 1, "color": 0}},
             "1": {"class_type": "ImageYUVToRGB", "inputs": {"Y": ["a", 0], "U": ["a", 0], "V": ["b", 0]}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);
        error.ExceptionType.ShouldBe("RuntimeError");
    }

    [Fact]
    public async Task ImageColorToMask_rounds_half_to_even_and_ignores_alpha()
    {
        // 0.5·255 = 127.5 rounds to 128 (even); 1.2 clamps to 255; 0x80FF00 = 8453888.
        var mask = await _runner.ProbeAsync<MaskTensor>("""
            {"img": {"class_type": "TestImage", "inputs": {"height": 1, "width": 3, "channels": 4, "samples": "0.5 1.2 0 0.3  0.5 1 0.0019 1  0.49 1 0 1"}},
             "1": {"class_type": "ImageColorToMask", "inputs": {"image": ["img", 0], "color": 8453888}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        mask.ShouldBe((1, 1, 3), 1f, 1f, 0f);
    }

    [Fact]
    public async Task RebatchImages_regroups_the_frames_of_the_list()
    {
        await _runner.RunAsync("""
            {"a": {"class_type": "EmptyImage", "inputs": {"width": 2, "height": 2, "batch_size": 3, "color": 255}},
             "1": {"class_type": "RebatchImages", "inputs": {"images": ["a", 0], "batch_size": 2}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        var batches = _runner.Probe.All("probe").Cast<ImageTensor>().Select(i => i.Batch).ToList();
        batches.ShouldBe([2, 1]);
    }

    [Theory]
    [InlineData("right", false, 0, "white", 3, 5)]
    [InlineData("down", false, 2, "red", 7, 3)]
    [InlineData("left", true, 0, "white", 3, 6)]
    [InlineData("up", true, 3, "blue", 8, 2)]
    public async Task ImageStitch_places_image2_and_the_spacing(string direction, bool match, int spacing, string color, int height, int width)
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"a": {"class_type": "EmptyImage", "inputs": {"width": 2, "height": 3, "batch_size": 1, "color": 0}},
             "b": {"class_type": "EmptyImage", "inputs": {"width": 3, "height": 2, "batch_size": 2, "color": 16777215}},
             "1": {"class_type": "ImageStitch", "inputs": {"image1": ["a", 0], "image2": ["b", 0], "direction": "DIRECTION",
                   "match_image_size": MATCH, "spacing_width": SPACING, "spacing_color": "COLOR"}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """.Replace("DIRECTION", direction, StringComparison.Ordinal).Replace("MATCH", match ? "true" : "false", StringComparison.Ordinal)
            .Replace("SPACING", $"{spacing}", StringComparison.Ordinal).Replace("COLOR", color, StringComparison.Ordinal));

        (image.Batch, image.Height, image.Width, image.Channels).ShouldBe((2, height, width, 3));
    }

    [Fact]
    public async Task ImageStitch_pads_the_shorter_image_centred_with_white()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"a": {"class_type": "EmptyImage", "inputs": {"width": 1, "height": 3, "batch_size": 1, "color": 0}},
             "b": {"class_type": "EmptyImage", "inputs": {"width": 1, "height": 1, "batch_size": 1, "color": 0}},
             "1": {"class_type": "ImageStitch", "inputs": {"image1": ["a", 0], "image2": ["b", 0], "direction": "right", "match_image_size": false, "spacing_width": 0, "spacing_color": "white"}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        image.ShouldBe((1, 3, 2, 3), 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1);
    }

    [Fact]
    public async Task ResizeAndPadImage_centres_the_scaled_image_on_the_padding()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"a": {"class_type": "EmptyImage", "inputs": {"width": 2, "height": 1, "batch_size": 1, "color": 0}},
             "1": {"class_type": "ResizeAndPadImage", "inputs": {"image": ["a", 0], "target_width": 2, "target_height": 3, "padding_color": "white", "interpolation": "nearest-exact"}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        image.ShouldBe((1, 3, 2, 3), 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1);
    }

    [Theory]
    [InlineData(10, 4, 5, 5, 2)]
    [InlineData(4, 10, 5, 2, 5)]
    [InlineData(3, 3, 8, 8, 8)]
    [InlineData(8, 3, 4, 4, 2)] // 1.5 rounds half to even
    public async Task ImageScaleToMaxDimension_fits_the_longer_side(int width, int height, int largest, int expectedWidth, int expectedHeight)
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"a": {"class_type": "EmptyImage", "inputs": {"width": WIDTH, "height": HEIGHT, "batch_size": 1, "color": 0}},
             "1": {"class_type": "ImageScaleToMaxDimension", "inputs": {"image": ["a", 0], "upscale_method": "area", "largest_size": LARGEST}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """.Replace("WIDTH", $"{width}", StringComparison.Ordinal).Replace("HEIGHT", $"{height}", StringComparison.Ordinal)
            .Replace("LARGEST", $"{largest}", StringComparison.Ordinal));

        (image.Width, image.Height).ShouldBe((expectedWidth, expectedHeight));
    }
}
