using Gantry.Engine.Tensors;
using Gantry.Engine.Tests.Nodes.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>ImageBlur, ImageSharpen, ImageBlend and ImageQuantize through the engine, on hand-computed cases.</summary>
public sealed class FilterNodeTests : IDisposable
{
    // gaussian_kernel(3, σ = 1) over linspace(-1, 1, 3): centre 1, edges e^-½, corners e^-1, normalised.
    private const float KernelSum = 4.8976425f;
    private static readonly float Centre = 1f / KernelSum;
    private static readonly float Edge = MathF.Exp(-0.5f) / KernelSum;
    private static readonly float Corner = MathF.Exp(-1f) / KernelSum;

    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task ImageBlur_spreads_a_point_by_the_normalised_gaussian()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 5, "width": 5, "channels": 1, "samples": "POINT"}},
             "2": {"class_type": "ImageBlur", "inputs": {"image": ["1", 0], "blur_radius": 1, "sigma": 1.0}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """.Replace("POINT", Point(1f, 0f), StringComparison.Ordinal));

        image.ShouldBe((1, 5, 5, 1), Spread(1f, 0f));
    }

    [Fact]
    public async Task ImageBlur_blurs_every_frame_of_a_batch()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"batch": 2, "height": 5, "width": 5, "channels": 1, "samples": "POINTS"}},
             "2": {"class_type": "ImageBlur", "inputs": {"image": ["1", 0], "blur_radius": 1, "sigma": 1.0}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """.Replace("POINTS", Point(1f, 0f) + " " + Point(0.5f, 0.5f), StringComparison.Ordinal));

        image.ShouldBe((2, 5, 5, 1), [.. Spread(1f, 0f), .. Spread(0.5f, 0.5f)]);
    }

    [Fact]
    public async Task ImageSharpen_pushes_a_point_away_from_its_blur()
    {
        // alpha 0.1 makes the gain 1: out = 2x − blur(x), on a 0.5 background with 0.6 in the middle.
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 5, "width": 5, "channels": 1, "samples": "POINT"}},
             "2": {"class_type": "ImageSharpen", "inputs": {"image": ["1", 0], "sharpen_radius": 1, "sigma": 1.0, "alpha": 0.1}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """.Replace("POINT", Point(0.6f, 0.5f), StringComparison.Ordinal));

        var input = Spread(0.6f, 0.5f, blur: false);
        image.ShouldBe((1, 5, 5, 1), [.. Spread(0.6f, 0.5f).Select((blurred, i) => (2 * input[i]) - blurred)]);
    }

    /// <summary>A 5×5 frame of <paramref name="background"/> with <paramref name="point"/> in the middle, as samples text.</summary>
    private static string Point(float point, float background) =>
        string.Join(' ', Spread(point, background, blur: false).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>That frame, blurred by the σ = 1 radius-1 gaussian when <paramref name="blur"/> (the point stays off the reflected edges).</summary>
    private static float[] Spread(float point, float background, bool blur = true)
    {
        var frame = Enumerable.Repeat(background, 25).ToArray();
        if (!blur)
        {
            frame[12] = point;
            return frame;
        }

        var delta = point - background;
        foreach (var (at, weight) in new[] { (6, Corner), (7, Edge), (8, Corner), (11, Edge), (12, Centre), (13, Edge), (16, Corner), (17, Edge), (18, Corner) })
        {
            frame[at] += delta * weight;
        }

        return frame;
    }

    [Theory]
    [InlineData("ImageBlur", "blur_radius")]
    [InlineData("ImageSharpen", "sharpen_radius")]
    public async Task A_radius_as_large_as_the_image_fails_as_torch_does(string classType, string radiusInput)
    {
        var error = await _runner.FailureAsync("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 3, "height": 8, "batch_size": 1, "color": 0}},
             "2": {"class_type": "CLASS", "inputs": {"image": ["1", 0], "RADIUS": 3, "sigma": 1.0, "alpha": 1.0}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """.Replace("CLASS", classType, StringComparison.Ordinal).Replace("RADIUS", radiusInput, StringComparison.Ordinal));

        error.NodeId.ShouldBe("2");
        error.ExceptionType.ShouldBe("RuntimeError");
        error.ExceptionMessage.ShouldStartWith("Padding size should be less than the corresponding input dimension");
    }

    [Theory]
    [InlineData("normal", 0.3f)]
    [InlineData("multiply", 0.18f)]
    [InlineData("screen", 0.32f)]
    [InlineData("difference", 0.05f)]
    public async Task ImageBlend_mixes_image1_with_the_mode_result_by_the_factor(string mode, float expected)
    {
        // a = 0.2, b = 0.6, factor 0.25: a·0.75 + mode(a, b)·0.25; screen 1 − 0.8·0.4 = 0.68, difference a − b = −0.4.
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 1, "width": 1, "channels": 3, "samples": "0.2"}},
             "2": {"class_type": "TestImage", "inputs": {"height": 2, "width": 2, "channels": 3, "samples": "0.6"}},
             "3": {"class_type": "ImageBlend", "inputs": {"image1": ["1", 0], "image2": ["2", 0], "blend_factor": 0.25, "blend_mode": "MODE"}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["3", 0]}}}
            """.Replace("MODE", mode, StringComparison.Ordinal));

        image.ShouldBe((1, 1, 1, 3), expected);
    }

    [Fact]
    public async Task ImageQuantize_reduces_each_frame_to_its_palette_and_keeps_alpha()
    {
        // Four colours, two allowed: the result has at most two distinct colours, and alpha passes through.
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 2, "width": 2, "channels": 4, "samples": "0 0 0 0.1  0.1 0.1 0.1 0.2  0.9 0.9 0.9 0.3  1 1 1 0.4"}},
             "2": {"class_type": "ImageQuantize", "inputs": {"image": ["1", 0], "colors": 2, "dither": "none"}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        image.Channels.ShouldBe(4);
        var pixels = Enumerable.Range(0, 4).Select(p => (image.Span[p * 4], image.Span[(p * 4) + 1], image.Span[(p * 4) + 2])).ToArray();
        pixels.Distinct().Count().ShouldBe(2);
        pixels[0].ShouldBe(pixels[1]);
        pixels[2].ShouldBe(pixels[3]);
        Enumerable.Range(0, 4).Select(p => image.Span[(p * 4) + 3]).ShouldBe([0.1f, 0.2f, 0.3f, 0.4f]);
    }

    [Fact]
    public async Task ImageQuantize_with_enough_colours_only_truncates_to_bytes()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"batch": 2, "height": 1, "width": 2, "channels": 3, "samples": "0.5 0.5 0.5 1 1 1  0.2 0.2 0.2 0 0 0"}},
             "2": {"class_type": "ImageQuantize", "inputs": {"image": ["1", 0], "colors": 256, "dither": "floyd-steinberg"}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        // (x·255) truncated: 0.5 → 127, 0.2 → 51.
        image.ShouldBe((2, 1, 2, 3), 127 / 255f, 127 / 255f, 127 / 255f, 1, 1, 1, 51 / 255f, 51 / 255f, 51 / 255f, 0, 0, 0);
    }
}
