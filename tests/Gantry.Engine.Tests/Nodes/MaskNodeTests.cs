using Gantry.Engine.Tensors;
using Gantry.Engine.Tests.Nodes.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>The mask nodes and Join/SplitImageWithAlpha through the engine.</summary>
public sealed class MaskNodeTests : IDisposable
{
    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task SolidMask_InvertMask_and_ThresholdMask_map_their_values()
    {
        await _runner.RunAsync("""
            {"1": {"class_type": "SolidMask", "inputs": {"value": 0.25, "width": 3, "height": 2}},
             "2": {"class_type": "InvertMask", "inputs": {"mask": ["1", 0]}},
             "3": {"class_type": "TestMask", "inputs": {"height": 1, "width": 3, "samples": "0.2 0.5 0.7"}},
             "4": {"class_type": "ThresholdMask", "inputs": {"mask": ["3", 0], "value": 0.5}},
             "solid": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}},
             "inverted": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}},
             "threshold": {"class_type": "TestProbe", "inputs": {"value": ["4", 0]}}}
            """);

        _runner.Probe.Single<MaskTensor>("solid").ShouldBe((1, 2, 3), 0.25f);
        _runner.Probe.Single<MaskTensor>("inverted").ShouldBe((1, 2, 3), 0.75f);
        _runner.Probe.Single<MaskTensor>("threshold").ShouldBe((1, 1, 3), 0, 0, 1);
    }

    [Fact]
    public async Task ImageToMask_takes_the_named_channel_and_MaskToImage_fills_rgb()
    {
        await _runner.RunAsync("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 1, "width": 2, "channels": 4, "samples": "0.1 0.2 0.3 0.4  0.5 0.6 0.7 0.8"}},
             "2": {"class_type": "ImageToMask", "inputs": {"image": ["1", 0], "channel": "green"}},
             "3": {"class_type": "ImageToMask", "inputs": {"image": ["1", 0], "channel": "alpha"}},
             "4": {"class_type": "MaskToImage", "inputs": {"mask": ["2", 0]}},
             "green": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}},
             "alpha": {"class_type": "TestProbe", "inputs": {"value": ["3", 0]}},
             "image": {"class_type": "TestProbe", "inputs": {"value": ["4", 0]}}}
            """);

        _runner.Probe.Single<MaskTensor>("green").ShouldBe((1, 1, 2), 0.2f, 0.6f);
        _runner.Probe.Single<MaskTensor>("alpha").ShouldBe((1, 1, 2), 0.4f, 0.8f);
        _runner.Probe.Single<ImageTensor>("image").ShouldBe((1, 1, 2, 3), 0.2f, 0.2f, 0.2f, 0.6f, 0.6f, 0.6f);
    }

    [Fact]
    public async Task ImageToMask_asking_an_rgb_image_for_alpha_is_torchs_index_error()
    {
        var error = await _runner.FailureAsync("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 2, "height": 2, "batch_size": 1, "color": 0}},
             "2": {"class_type": "ImageToMask", "inputs": {"image": ["1", 0], "channel": "alpha"}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        error.ExceptionType.ShouldBe("IndexError");
        error.ExceptionMessage.ShouldBe("index 3 is out of bounds for dimension 3 with size 3\n");
    }

    [Fact]
    public async Task CropMask_cuts_the_region_at_the_edge()
    {
        var mask = await _runner.ProbeAsync<MaskTensor>("""
            {"1": {"class_type": "TestMask", "inputs": {"height": 3, "width": 3, "samples": "1 2 3 4 5 6 7 8 9"}},
             "2": {"class_type": "CropMask", "inputs": {"mask": ["1", 0], "x": 1, "y": 1, "width": 5, "height": 1}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        mask.ShouldBe((1, 1, 2), 5, 6);
    }

    [Theory]
    [InlineData(1, true, "0 0 0 0 0  0 0 1 0 0  0 1 1 1 0  0 0 1 0 0  0 0 0 0 0")]
    [InlineData(1, false, "0 0 0 0 0  0 1 1 1 0  0 1 1 1 0  0 1 1 1 0  0 0 0 0 0")]
    [InlineData(2, true, "0 0 1 0 0  0 1 1 1 0  1 1 1 1 1  0 1 1 1 0  0 0 1 0 0")]
    [InlineData(-1, true, "0")]
    public async Task GrowMask_dilates_or_erodes_over_the_cross_or_the_square(int expand, bool tapered, string expected)
    {
        var mask = await _runner.ProbeAsync<MaskTensor>("""
            {"1": {"class_type": "TestMask", "inputs": {"height": 5, "width": 5, "samples": "0 0 0 0 0  0 0 0 0 0  0 0 1 0 0  0 0 0 0 0  0 0 0 0 0"}},
             "2": {"class_type": "GrowMask", "inputs": {"mask": ["1", 0], "expand": EXPAND, "tapered_corners": TAPERED}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """.Replace("EXPAND", $"{expand}", StringComparison.Ordinal).Replace("TAPERED", tapered ? "true" : "false", StringComparison.Ordinal));

        mask.ShouldBe((1, 5, 5), [.. expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(float.Parse)]);
    }

    [Fact]
    public async Task FeatherMask_ramps_each_edge_linearly()
    {
        var mask = await _runner.ProbeAsync<MaskTensor>("""
            {"1": {"class_type": "SolidMask", "inputs": {"value": 1.0, "width": 4, "height": 2}},
             "2": {"class_type": "FeatherMask", "inputs": {"mask": ["1", 0], "left": 2, "top": 0, "right": 1, "bottom": 2}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        // Columns: ×0.5, ×1, ×1, ×1 (right: its one step scales column 0 by 1/1). Bottom, indexed from the end as
        // ComfyUI's output[:, -y]: y = 0 is row 0 (×1/2), y = 1 is row 1 (×2/2).
        mask.ShouldBe((1, 2, 4), 0.25f, 0.5f, 0.5f, 0.5f, 0.5f, 1, 1, 1);
    }

    [Theory]
    [InlineData("multiply", "0.5 0.5 0.5  0.5 0.25 0.5")]
    [InlineData("add", "0.5 0.5 0.5  0.5 1 1")]
    [InlineData("subtract", "0.5 0.5 0.5  0.5 0 0")]
    [InlineData("xor", "0.5 0.5 0.5  0.5 0 1")]
    public async Task MaskComposite_combines_the_source_at_its_offset(string operation, string expected)
    {
        var mask = await _runner.ProbeAsync<MaskTensor>("""
            {"1": {"class_type": "SolidMask", "inputs": {"value": 0.5, "width": 3, "height": 2}},
             "2": {"class_type": "TestMask", "inputs": {"height": 1, "width": 3, "samples": "0.5 1 7"}},
             "3": {"class_type": "MaskComposite", "inputs": {"destination": ["1", 0], "source": ["2", 0], "x": 1, "y": 1, "operation": "OP"}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["3", 0]}}}
            """.Replace("OP", operation, StringComparison.Ordinal));

        // The source's third value falls outside the destination and is dropped; xor rounds 0.5 to 0 (half to even).
        mask.ShouldBe((1, 2, 3), [.. expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture))]);
    }

    [Fact]
    public async Task JoinImageWithAlpha_repeats_the_smaller_batch_and_resizes_the_mask()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 2, "width": 2, "channels": 3, "samples": "0.5"}},
             "2": {"class_type": "TestMask", "inputs": {"batch": 2, "height": 1, "width": 1, "samples": "0.25 1"}},
             "3": {"class_type": "JoinImageWithAlpha", "inputs": {"image": ["1", 0], "alpha": ["2", 0]}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["3", 0]}}}
            """);

        image.ShouldBe((2, 2, 2, 4), [.. Enumerable.Repeat(new[] { 0.5f, 0.5f, 0.5f, 0.75f }, 4).SelectMany(p => p), .. Enumerable.Repeat(new[] { 0.5f, 0.5f, 0.5f, 0f }, 4).SelectMany(p => p)]);
    }

    [Fact]
    public async Task SplitImageWithAlpha_returns_rgb_and_one_minus_alpha_or_a_zero_mask()
    {
        await _runner.RunAsync("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 1, "width": 1, "channels": 4, "samples": "0.1 0.2 0.3 0.6"}},
             "2": {"class_type": "SplitImageWithAlpha", "inputs": {"image": ["1", 0]}},
             "3": {"class_type": "EmptyImage", "inputs": {"width": 1, "height": 1, "batch_size": 1, "color": 0}},
             "4": {"class_type": "SplitImageWithAlpha", "inputs": {"image": ["3", 0]}},
             "rgb": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}},
             "mask": {"class_type": "TestProbe", "inputs": {"value": ["2", 1]}},
             "none": {"class_type": "TestProbe", "inputs": {"value": ["4", 1]}}}
            """);

        _runner.Probe.Single<ImageTensor>("rgb").ShouldBe((1, 1, 1, 3), 0.1f, 0.2f, 0.3f);
        _runner.Probe.Single<MaskTensor>("mask").ShouldBe((1, 1, 1), 0.4f);
        _runner.Probe.Single<MaskTensor>("none").ShouldBe((1, 1, 1), 0f);
    }
}
