using Gantry.Engine.Imaging.Compositing;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Tests.Imaging;

public sealed class CompositingTests
{
    [Fact]
    public void Composite_at_an_offset_partly_outside_keeps_only_the_overlap()
    {
        var destination = new ImageTensor(1, 4, 4, 1);
        var source = new ImageTensor(1, 3, 3, 1);
        source.WritableSpan.Fill(1f);

        var output = ImageCompositing.CompositeMasked(destination, source, 2, 3, resizeSource: false);

        output.Span.ToArray().ShouldBe([
            0f, 0f, 0f, 0f,
            0f, 0f, 0f, 0f,
            0f, 0f, 0f, 0f,
            0f, 0f, 1f, 1f,
        ]);
        destination.Span.ToArray().ShouldAllBe(v => v == 0f);
    }

    [Fact]
    public void Offsets_past_the_destination_change_nothing()
    {
        var destination = TestImages.Random(1, 3, 3, 3, seed: 1);
        var source = TestImages.Random(1, 2, 2, 3, seed: 2);

        ImageCompositing.CompositeMasked(destination, source, 50, 0, false).ShouldMatch(destination, 0f);
    }

    [Fact]
    public void Negative_offsets_cut_the_source_from_the_left_and_top()
    {
        var destination = new ImageTensor(1, 2, 2, 1);
        var source = TestImages.Image(2, 2, 1, 1f, 2f, 3f, 4f);

        var output = ImageCompositing.CompositeMasked(destination, source, -1, -1, false);

        output.Span.ToArray().ShouldBe([4f, 0f, 0f, 0f]);
    }

    [Fact]
    public void Mask_weights_source_against_destination_and_is_resized_to_the_source()
    {
        var destination = new ImageTensor(1, 2, 2, 3);
        destination.WritableSpan.Fill(1f);
        var source = new ImageTensor(1, 2, 2, 3);
        var mask = TestImages.Mask(1, 1, 0.25f);

        var output = ImageCompositing.CompositeMasked(destination, source, 0, 0, false, mask);

        output.Span.ToArray().ShouldAllBe(v => MathF.Abs(v - 0.75f) < 1e-6f);
    }

    [Fact]
    public void Resize_source_stretches_it_over_the_destination()
    {
        var destination = new ImageTensor(1, 4, 6, 3);
        var source = TestImages.Image(1, 1, 3, 0.2f, 0.4f, 0.6f);

        var output = ImageCompositing.CompositeMasked(destination, source, 3, 3, resizeSource: true);

        // Resized to 4×6, then placed at (3, 3): the 3×1 overlap is the source colour.
        output.Span.Slice(((3 * 6) + 3) * 3, 3).ToArray().ShouldBe([0.2f, 0.4f, 0.6f]);
        output.Span[0].ShouldBe(0f);
    }

    [Fact]
    public void Source_and_mask_batches_repeat_to_the_destination_batch()
    {
        var destination = new ImageTensor(3, 1, 1, 1);
        var source = TestImages.Image(1, 1, 1, 1f);
        var mask = new MaskTensor(2, 1, 1);
        mask.WritableSpan[0] = 1f;
        mask.WritableSpan[1] = 0.5f;

        var output = ImageCompositing.CompositeMasked(destination, source, 0, 0, false, mask);

        output.Span.ToArray().ShouldBe([1f, 0.5f, 1f]);
    }

    [Fact]
    public void Source_takes_the_destination_channel_count()
    {
        var destination = new ImageTensor(1, 1, 1, 4);
        var rgb = TestImages.Image(1, 1, 3, 0.1f, 0.2f, 0.3f);

        ImageCompositing.CompositeMasked(destination, rgb, 0, 0, false).Span.ToArray().ShouldBe([0.1f, 0.2f, 0.3f, 1f]);
        ChannelMatch.ToChannels(TestImages.Image(1, 1, 4, 1f, 2f, 3f, 4f), 3).Span.ToArray().ShouldBe([1f, 2f, 3f]);
        Should.Throw<ArgumentException>(() => ChannelMatch.ToChannels(new ImageTensor(1, 1, 1, 1), 3));
    }

    [Fact]
    public void Split_gives_rgb_and_one_minus_alpha_and_join_puts_it_back()
    {
        var rgba = TestImages.Random(2, 3, 4, 4, seed: 5);

        var (rgb, mask) = AlphaChannel.Split(rgba);

        rgb.Channels.ShouldBe(3);
        mask.Span[0].ShouldBe(1f - rgba.Span[3]);
        AlphaChannel.Join(rgb, mask).ShouldMatch(rgba, 1e-6f);
    }

    [Fact]
    public void Split_of_rgb_gives_an_empty_mask()
    {
        var (_, mask) = AlphaChannel.Split(TestImages.Random(1, 2, 2, 3, seed: 6));

        mask.Span.ToArray().ShouldAllBe(v => v == 0f);
    }

    [Fact]
    public void Join_resizes_the_mask_and_keeps_the_smaller_batch()
    {
        var image = TestImages.Random(3, 4, 4, 3, seed: 7);
        var mask = new MaskTensor(2, 2, 2);
        mask.WritableSpan.Fill(0.25f);

        var output = AlphaChannel.Join(image, mask);

        (output.Batch, output.Channels).ShouldBe((2, 4));
        output.Span[3].ShouldBe(0.75f);
        output.Span[^1].ShouldBe(0.75f);
    }
}
