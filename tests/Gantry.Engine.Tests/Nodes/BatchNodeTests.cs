using Gantry.Engine.Tensors;
using Gantry.Engine.Tests.Nodes.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>ImageBatch, RepeatImageBatch, ImageFromBatch and ImageCompositeMasked's batch handling.</summary>
public sealed class BatchNodeTests : IDisposable
{
    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task ImageBatch_appends_image2_resized_to_image1_and_adds_a_missing_alpha()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 1, "width": 2, "channels": 4, "samples": "0.1 0.2 0.3 0.4  0.5 0.6 0.7 0.8"}},
             "2": {"class_type": "TestImage", "inputs": {"batch": 2, "height": 3, "width": 3, "channels": 3, "samples": "0.25"}},
             "3": {"class_type": "ImageBatch", "inputs": {"image1": ["1", 0], "image2": ["2", 0]}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["3", 0]}}}
            """);

        image.ShouldBe((3, 1, 2, 4), 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.25f, 0.25f, 0.25f, 1, 0.25f, 0.25f, 0.25f, 1, 0.25f, 0.25f, 0.25f, 1, 0.25f, 0.25f, 0.25f, 1);
    }

    [Fact]
    public async Task RepeatImageBatch_repeats_the_whole_batch()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"batch": 2, "height": 1, "width": 1, "channels": 1, "samples": "0.1 0.2"}},
             "2": {"class_type": "RepeatImageBatch", "inputs": {"image": ["1", 0], "amount": 3}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        image.ShouldBe((6, 1, 1, 1), 0.1f, 0.2f, 0.1f, 0.2f, 0.1f, 0.2f);
    }

    [Theory]
    [InlineData(1, 1, 1, "0.2")]
    [InlineData(1, 9, 2, "0.2 0.3")]
    [InlineData(-1, 4, 1, "0.3")]
    [InlineData(-7, 2, 2, "0.1 0.2")]
    [InlineData(12, 1, 1, "0.3")]
    public async Task ImageFromBatch_clamps_index_and_length_into_the_batch(int index, int length, int frames, string expected)
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"batch": 3, "height": 1, "width": 1, "channels": 1, "samples": "0.1 0.2 0.3"}},
             "2": {"class_type": "ImageFromBatch", "inputs": {"image": ["1", 0], "batch_index": INDEX, "length": LENGTH}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """.Replace("INDEX", $"{index}", StringComparison.Ordinal).Replace("LENGTH", $"{length}", StringComparison.Ordinal));

        image.ShouldBe((frames, 1, 1, 1), [.. expected.Split(' ').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture))]);
    }

    [Fact]
    public async Task ImageCompositeMasked_pastes_at_the_offset_weighted_by_the_mask()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"height": 3, "width": 3, "channels": 1, "samples": "0"}},
             "2": {"class_type": "TestImage", "inputs": {"height": 2, "width": 2, "channels": 1, "samples": "1"}},
             "3": {"class_type": "TestMask", "inputs": {"height": 2, "width": 2, "samples": "0.5 1 0 0.25"}},
             "4": {"class_type": "ImageCompositeMasked", "inputs": {"destination": ["1", 0], "source": ["2", 0], "x": 1, "y": 1, "resize_source": false, "mask": ["3", 0]}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["4", 0]}}}
            """);

        image.ShouldBe((1, 3, 3, 1), 0, 0, 0, 0, 0.5f, 1, 0, 0, 0.25f);
    }

    [Fact]
    public async Task ImageCompositeMasked_repeats_the_source_over_the_destination_batch_and_can_stretch_it()
    {
        var image = await _runner.ProbeAsync<ImageTensor>("""
            {"1": {"class_type": "TestImage", "inputs": {"batch": 2, "height": 2, "width": 2, "channels": 3, "samples": "0"}},
             "2": {"class_type": "TestImage", "inputs": {"height": 1, "width": 1, "channels": 3, "samples": "0.75"}},
             "3": {"class_type": "ImageCompositeMasked", "inputs": {"destination": ["1", 0], "source": ["2", 0], "x": 0, "y": 0, "resize_source": true}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["3", 0]}}}
            """);

        image.ShouldBe((2, 2, 2, 3), 0.75f);
    }
}
