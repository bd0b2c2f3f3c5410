using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Tests.Imaging;

public sealed class MaskTests
{
    [Fact]
    public void Solid_invert_and_threshold()
    {
        var solid = MaskOps.Solid(0.25, 3, 2);
        (solid.Batch, solid.Height, solid.Width).ShouldBe((1, 2, 3));
        MaskOps.Invert(solid).Span.ToArray().ShouldAllBe(v => v == 0.75f);

        var mask = TestImages.Mask(1, 3, 0.5f, 0.51f, 0.2f);
        MaskOps.Threshold(mask, 0.5).Span.ToArray().ShouldBe([0f, 1f, 0f]);
    }

    [Fact]
    public void Image_to_mask_takes_one_channel_and_mask_to_image_copies_it_three_times()
    {
        var image = TestImages.Image(1, 2, 4, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f);

        MaskOps.FromImage(image, ImageChannel.Green).Span.ToArray().ShouldBe([0.2f, 0.6f]);
        MaskOps.FromImage(image, ImageChannel.Alpha).Span.ToArray().ShouldBe([0.4f, 0.8f]);
        Should.Throw<ArgumentException>(() => MaskOps.FromImage(TestImages.Image(1, 1, 3, 0f, 0f, 0f), ImageChannel.Alpha))
            .Message.ShouldContain("no alpha channel");

        var back = MaskOps.ToImage(TestImages.Mask(1, 2, 0.1f, 0.9f));
        back.Span.ToArray().ShouldBe([0.1f, 0.1f, 0.1f, 0.9f, 0.9f, 0.9f]);
        MaskOps.ParseChannel("blue").ShouldBe(ImageChannel.Blue);
    }

    [Fact]
    public void Crop_cuts_at_the_edge_and_refuses_a_start_outside()
    {
        var mask = TestImages.Mask(3, 3, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f);

        MaskOps.Crop(mask, 1, 1, 5, 5).Span.ToArray().ShouldBe([5f, 6f, 8f, 9f]);
        Should.Throw<ArgumentOutOfRangeException>(() => MaskOps.Crop(mask, 3, 0, 1, 1));
    }

    [Fact]
    public void Grow_by_one_with_tapered_corners_makes_a_plus()
    {
        var output = MaskMorphology.Grow(Dot(), 1, taperedCorners: true);

        output.Span.ToArray().ShouldBe([
            0f, 0f, 0f, 0f, 0f,
            0f, 0f, 1f, 0f, 0f,
            0f, 1f, 1f, 1f, 0f,
            0f, 0f, 1f, 0f, 0f,
            0f, 0f, 0f, 0f, 0f,
        ]);
    }

    [Fact]
    public void Grow_by_one_without_tapered_corners_makes_a_square()
    {
        var output = MaskMorphology.Grow(Dot(), 1, taperedCorners: false);

        output.Span.ToArray().ShouldBe([
            0f, 0f, 0f, 0f, 0f,
            0f, 1f, 1f, 1f, 0f,
            0f, 1f, 1f, 1f, 0f,
            0f, 1f, 1f, 1f, 0f,
            0f, 0f, 0f, 0f, 0f,
        ]);
    }

    [Fact]
    public void Grow_by_two_tapered_makes_a_diamond_and_shrinking_undoes_it()
    {
        var diamond = MaskMorphology.Grow(Dot(), 2, taperedCorners: true);

        diamond.Span.ToArray().Count(v => v == 1f).ShouldBe(13);
        diamond.Span[0].ShouldBe(0f);
        MaskMorphology.Grow(diamond, -2, taperedCorners: true).Span.ToArray().ShouldBe(Dot().Span.ToArray());
    }

    [Fact]
    public void Grow_takes_the_largest_neighbour_of_grey_values_and_treats_edges_as_neutral()
    {
        var mask = TestImages.Mask(1, 3, 0.2f, 0.7f, 0.4f);

        MaskMorphology.Grow(mask, 1, true).Span.ToArray().ShouldBe([0.7f, 0.7f, 0.7f]);
        MaskMorphology.Grow(mask, -1, true).Span.ToArray().ShouldBe([0.2f, 0.2f, 0.4f]);
    }

    [Fact]
    public void Vector_grow_agrees_with_a_plain_3x3_max_filter()
    {
        var mask = TestImages.RandomMask(2, 17, 29, seed: 8);

        foreach (var tapered in new[] { true, false })
        {
            var expected = mask;
            for (var i = 0; i < 3; i++)
            {
                expected = PlainFilter(expected, tapered, max: true);
            }

            MaskMorphology.Grow(mask, 3, tapered).ShouldMatch(expected, 0f);
            MaskMorphology.Grow(mask, -1, tapered).ShouldMatch(PlainFilter(mask, tapered, max: false), 0f);
        }
    }

    [Fact]
    public void Feather_ramps_edges_linearly_and_multiplies_corners()
    {
        var mask = new MaskTensor(1, 4, 4);
        mask.WritableSpan.Fill(1f);

        var output = MaskFeather.Feather(mask, 2, 4, 0, 0).Span.ToArray();

        // Columns: 1/2, 1, 1, 1. Rows: 1/4, 2/4, 3/4, 1.
        output[..4].ShouldBe([0.125f, 0.25f, 0.25f, 0.25f]);
        output[12..].ShouldBe([0.5f, 1f, 1f, 1f]);
        // The right ramp (capped at 4) indexes from the end as ComfyUI's output[..., -x]: column 0 gets 1/4,
        // columns 3, 2, 1 get 2/4, 3/4, 4/4.
        MaskFeather.Feather(mask, 0, 0, 10, 0).Span[..4].ToArray().ShouldBe([0.25f, 1f, 0.75f, 0.5f]);
    }

    [Theory]
    [InlineData(MaskCompositeOperation.Multiply, 0.3f)]
    [InlineData(MaskCompositeOperation.Add, 1f)]
    [InlineData(MaskCompositeOperation.Subtract, 0.1f)]
    [InlineData(MaskCompositeOperation.And, 1f)]
    [InlineData(MaskCompositeOperation.Or, 1f)]
    [InlineData(MaskCompositeOperation.Xor, 0f)]
    public void Mask_composite_combines_the_overlap_and_clamps(MaskCompositeOperation operation, float combined)
    {
        var destination = new MaskTensor(1, 2, 3);
        destination.WritableSpan.Fill(0.6f);
        var source = new MaskTensor(1, 2, 2);
        source.WritableSpan.Fill(0.5f);
        source.WritableSpan[0] = 0.51f;

        var output = MaskCompositing.Composite(destination, source, 1, 1, operation).Span.ToArray();

        output[..4].ShouldBe([0.6f, 0.6f, 0.6f, 0.6f]);
        var first = operation switch
        {
            MaskCompositeOperation.Multiply => 0.6f * 0.51f,
            MaskCompositeOperation.Subtract => 0.6f - 0.51f,
            _ => combined,
        };
        output[4].ShouldBe(first, 1e-6f);
        var second = operation switch
        {
            MaskCompositeOperation.And => 0f,
            MaskCompositeOperation.Xor => 1f,
            _ => combined,
        };
        output[5].ShouldBe(second, 1e-6f);
        MaskCompositing.ParseOperation("xor").ShouldBe(MaskCompositeOperation.Xor);
    }

    [Fact]
    public void Mask_composite_clamps_outside_the_overlap_too()
    {
        var destination = TestImages.Mask(1, 2, 1.5f, -0.5f);

        MaskCompositing.Composite(destination, TestImages.Mask(1, 1, 0f), 1, 0, MaskCompositeOperation.Add)
            .Span.ToArray().ShouldBe([1f, 0f]);
    }

    private static MaskTensor Dot()
    {
        var mask = new MaskTensor(1, 5, 5);
        mask.WritableSpan[12] = 1f;
        return mask;
    }

    private static MaskTensor PlainFilter(MaskTensor mask, bool cross, bool max)
    {
        var output = mask.CreateLike();
        int h = mask.Height, w = mask.Width;
        for (var b = 0; b < mask.Batch; b++)
        {
            var src = mask.Frame(b);
            var dst = output.WritableFrame(b);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var best = src[(y * w) + x];
                    for (var dy = -1; dy <= 1; dy++)
                    {
                        for (var dx = -1; dx <= 1; dx++)
                        {
                            if ((cross && dx != 0 && dy != 0) || y + dy < 0 || y + dy >= h || x + dx < 0 || x + dx >= w)
                            {
                                continue;
                            }

                            var v = src[((y + dy) * w) + x + dx];
                            best = max ? MathF.Max(best, v) : MathF.Min(best, v);
                        }
                    }

                    dst[(y * w) + x] = best;
                }
            }
        }

        return output;
    }
}
