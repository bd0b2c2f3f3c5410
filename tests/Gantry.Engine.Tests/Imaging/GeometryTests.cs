using Gantry.Engine.Imaging.Geometry;
using Gantry.Engine.Imaging.Resize;

namespace Gantry.Engine.Tests.Imaging;

public sealed class GeometryTests
{
    // 2 rows × 3 columns, one channel: 1 2 3 / 4 5 6.
    private static readonly Tensors.ImageTensor Small = TestImages.Image(2, 3, 1, 1f, 2f, 3f, 4f, 5f, 6f);

    [Fact]
    public void Crop_clamps_the_origin_and_cuts_at_the_edge()
    {
        var image = TestImages.Image(3, 4, 1, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f);

        var inside = ImageGeometry.Crop(image, 2, 2, 1, 1);
        inside.Span.ToArray().ShouldBe([5f, 6f, 9f, 10f]);

        var past = ImageGeometry.Crop(image, 3, 5, 10, 1);
        (past.Width, past.Height).ShouldBe((1, 2));
        past.Span.ToArray().ShouldBe([7f, 11f]);
    }

    [Fact]
    public void Flip_mirrors_rows_or_columns()
    {
        ImageGeometry.Flip(Small, FlipAxis.Vertical).Span.ToArray().ShouldBe([4f, 5f, 6f, 1f, 2f, 3f]);
        ImageGeometry.Flip(Small, FlipAxis.Horizontal).Span.ToArray().ShouldBe([3f, 2f, 1f, 6f, 5f, 4f]);
        ImageGeometry.ParseFlip("x-axis: vertically").ShouldBe(FlipAxis.Vertical);
    }

    [Fact]
    public void Rotate_turns_clockwise_like_torch_rot90_with_dims_2_1()
    {
        var quarter = ImageGeometry.Rotate(Small, Rotation.Clockwise90);
        (quarter.Width, quarter.Height).ShouldBe((2, 3));
        quarter.Span.ToArray().ShouldBe([4f, 1f, 5f, 2f, 6f, 3f]);

        ImageGeometry.Rotate(Small, Rotation.Clockwise180).Span.ToArray().ShouldBe([6f, 5f, 4f, 3f, 2f, 1f]);
        ImageGeometry.Rotate(Small, Rotation.Clockwise270).Span.ToArray().ShouldBe([3f, 6f, 2f, 5f, 1f, 4f]);
        ImageGeometry.Rotate(Small, Rotation.None).ShouldBeSameAs(Small);
        ImageGeometry.ParseRotation("270 degrees").ShouldBe(Rotation.Clockwise270);
    }

    [Fact]
    public void Rotate_keeps_pixels_together_across_channels()
    {
        var rgb = TestImages.Random(2, 3, 5, 3, seed: 1);

        var back = ImageGeometry.Rotate(ImageGeometry.Rotate(rgb, Rotation.Clockwise90), Rotation.Clockwise270);

        back.ShouldMatch(rgb, 0f);
    }

    [Fact]
    public void Pad_for_outpaint_fills_grey_and_feathers_toward_padded_edges()
    {
        var image = new Tensors.ImageTensor(1, 10, 10, 3);
        image.WritableSpan.Fill(1f);

        var (padded, mask) = ImageGeometry.PadForOutpaint(image, 2, 0, 0, 0, 3);

        (padded.Width, padded.Height, mask.Width, mask.Height).ShouldBe((12, 10, 12, 10));
        padded.Span[..6].ToArray().ShouldBe([0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f]);
        padded.Span[6].ShouldBe(1f);
        var row = mask.Span.Slice(5 * 12, 12).ToArray();
        // Padding is 1; inside, d is the distance to the padded left edge: ((3 − d) / 3)² for d < 3.
        TestImages.ShouldAllBeClose(row[..6], [1f, 1f, 1f, 4f / 9f, 1f / 9f, 0f], 1e-6f);
        row[11].ShouldBe(0f);
    }

    [Fact]
    public void Pad_for_outpaint_measures_bottom_distance_as_height_minus_row()
    {
        var image = new Tensors.ImageTensor(1, 10, 10, 3);

        var (_, mask) = ImageGeometry.PadForOutpaint(image, 0, 0, 0, 2, 3);

        // The last image row has d = 10 − 9 = 1, so ((3 − 1) / 3)²; the row above d = 2.
        mask.Span[(9 * 10) + 5].ShouldBe(4f / 9f, 1e-6f);
        mask.Span[(8 * 10) + 5].ShouldBe(1f / 9f, 1e-6f);
        mask.Span[(10 * 10) + 5].ShouldBe(1f);
    }

    [Fact]
    public void Feathering_that_does_not_fit_leaves_the_image_area_zero()
    {
        var image = new Tensors.ImageTensor(1, 6, 6, 3);

        var (_, mask) = ImageGeometry.PadForOutpaint(image, 1, 1, 1, 1, 3);

        mask.Span[(1 * 8) + 1].ShouldBe(0f);
        mask.Span[0].ShouldBe(1f);
    }

    [Fact]
    public void Batch_concat_adds_alpha_and_resizes_the_second_image_bilinear_centre()
    {
        var first = TestImages.Random(2, 4, 6, 4, seed: 1);
        var second = TestImages.Random(1, 8, 8, 3, seed: 2);

        var output = ImageBatchOps.Concat(first, second);

        (output.Batch, output.Height, output.Width, output.Channels).ShouldBe((3, 4, 6, 4));
        TestImages.ShouldAllBeClose(output.Frame(1), first.Frame(1), 0f);
        var resized = ImageResize.Resize(second, 6, 4, ResizeMethod.Bilinear, CropMode.Center);
        var third = output.Frame(2);
        for (var p = 0; p < 24; p++)
        {
            third[(p * 4) + 0].ShouldBe(resized.Span[p * 3], 1e-6f);
            third[(p * 4) + 3].ShouldBe(1f);
        }
    }

    [Fact]
    public void Repeat_copies_the_whole_batch()
    {
        var image = TestImages.Random(2, 2, 2, 3, seed: 3);

        var output = ImageBatchOps.Repeat(image, 3);

        output.Batch.ShouldBe(6);
        TestImages.ShouldAllBeClose(output.Frame(4), image.Frame(0), 0f);
        TestImages.ShouldAllBeClose(output.Frame(5), image.Frame(1), 0f);
    }

    [Fact]
    public void From_batch_counts_negative_indices_from_the_end_and_clamps()
    {
        var image = TestImages.Random(5, 2, 2, 3, seed: 4);

        var last = ImageBatchOps.FromBatch(image, -1, 3);
        last.Batch.ShouldBe(1);
        TestImages.ShouldAllBeClose(last.Frame(0), image.Frame(4), 0f);

        var middle = ImageBatchOps.FromBatch(image, 1, 2);
        middle.Batch.ShouldBe(2);
        TestImages.ShouldAllBeClose(middle.Frame(1), image.Frame(2), 0f);

        ImageBatchOps.FromBatch(image, 99, 1).Batch.ShouldBe(1);
        ImageBatchOps.FromBatch(image, -99, 2).Frame(0).ToArray().ShouldBe(image.Frame(0).ToArray());
    }
}
