using Gantry.Engine.Imaging.Color;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Tests.Imaging;

public sealed class ColorTests
{
    [Fact]
    public void Empty_image_splits_the_colour_into_channels()
    {
        var image = ImageColor.CreateSolid(3, 2, 2, 0xFF8000);

        (image.Batch, image.Height, image.Width, image.Channels).ShouldBe((2, 2, 3, 3));
        image.Span[..3].ToArray().ShouldBe([1f, (float)(128 / 255.0), 0f]);
        image.Span[^3..].ToArray().ShouldBe([1f, (float)(128 / 255.0), 0f]);
    }

    [Fact]
    public void Invert_flips_colour_and_keeps_alpha()
    {
        var image = TestImages.Image(1, 2, 4, 0.25f, 0f, 1f, 0.3f, 0.5f, 0.75f, 0.1f, 0.9f);

        var output = ImageColor.Invert(image);

        TestImages.ShouldAllBeClose(output.Span, [0.75f, 1f, 0f, 0.3f, 0.5f, 0.25f, 0.9f, 0.9f], 1e-7f);
    }

    [Theory]
    [InlineData(DitherMode.None)]
    [InlineData(DitherMode.FloydSteinberg)]
    [InlineData(DitherMode.Bayer4)]
    public void Two_colour_image_quantized_to_two_colours_is_unchanged(DitherMode dither)
    {
        var image = new ImageTensor(1, 6, 8, 3);
        var s = image.WritableSpan;
        for (var p = 0; p < 48; p++)
        {
            var red = p % 3 == 0;
            s[3 * p] = red ? 1f : 0f;
            s[(3 * p) + 1] = 0f;
            s[(3 * p) + 2] = red ? 0f : 1f;
        }

        ImageQuantize.Quantize(image, 2, dither).ShouldMatch(image, 0f);
    }

    [Fact]
    public void Quantize_splits_at_the_pixel_count_median_like_Pillow()
    {
        // Two pixels each of four colours. Red has the widest weighted range (192·77), so the box is cut on red
        // where the running count first passes half: {202, 200, 12} against {10}. Each side becomes its mean.
        var image = new ImageTensor(1, 2, 4, 3);
        byte[] pixels = [10, 20, 30, 12, 22, 32, 10, 20, 30, 12, 22, 32, 200, 100, 50, 202, 102, 52, 200, 100, 50, 202, 102, 52];
        for (var i = 0; i < pixels.Length; i++)
        {
            image.WritableSpan[i] = (pixels[i] + 0.5f) / 255f;
        }

        var output = ImageQuantize.Quantize(image, 2, DitherMode.None);

        var bytes = output.Span.ToArray().Select(v => (int)MathF.Round(v * 255)).ToArray();
        bytes[..3].ShouldBe([10, 20, 30]);
        bytes[3..6].ShouldBe([10, 20, 30]);
        bytes[^3..].ShouldBe([138, 75, 45]);
    }

    [Fact]
    public void Floyd_Steinberg_keeps_the_average_brightness_of_a_grey_ramp()
    {
        var image = new ImageTensor(1, 16, 64, 3);
        var s = image.WritableSpan;
        for (var y = 0; y < 16; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                s.Slice(((y * 64) + x) * 3, 3).Fill(x / 63f);
            }
        }

        var none = ImageQuantize.Quantize(image, 2, DitherMode.None);
        var dithered = ImageQuantize.Quantize(image, 2, DitherMode.FloydSteinberg);

        var mean = s.ToArray().Average();
        // Pillow 9.4 on the same ramp: palette (190, 190, 190), (60, 60, 60), then black; the dithered mean is off by 0.0345.
        MathF.Abs(dithered.Span.ToArray().Average() - mean).ShouldBe(0.034505208f, 1e-5f);
        dithered.Span.ToArray().Distinct().Count().ShouldBe(none.Span.ToArray().Distinct().Count());
        dithered.Span.ToArray().ShouldNotBe(none.Span.ToArray());
    }

    [Fact]
    public void Quantize_passes_alpha_through_and_never_exceeds_the_colour_count_and_black()
    {
        var image = TestImages.Random(2, 20, 30, 4, seed: 7);

        var output = ImageQuantize.Quantize(image, 5, DitherMode.FloydSteinberg);

        output.Channels.ShouldBe(4);
        for (var b = 0; b < 2; b++)
        {
            var frame = output.Frame(b);
            var colours = new HashSet<(float, float, float)>();
            for (var p = 0; p < 600; p++)
            {
                colours.Add((frame[4 * p], frame[(4 * p) + 1], frame[(4 * p) + 2]));
                frame[(4 * p) + 3].ShouldBe(image.Frame(b)[(4 * p) + 3]);
            }

            colours.Remove((0f, 0f, 0f));
            colours.Count.ShouldBeLessThanOrEqualTo(5);
        }
    }

    [Fact]
    public void One_colour_is_the_average_and_black_stays_black_as_in_Pillow_9_4()
    {
        // Pillow 9.4 pads the quantized palette with black to 256 entries, and the remap may pick that black.
        var image = TestImages.Image(1, 2, 3, 0f, 0f, 0f, 1f, 1f, 1f);

        var output = ImageQuantize.Quantize(image, 1, DitherMode.None);

        output.Span.ToArray().ShouldBe([0f, 0f, 0f, 128 / 255f, 128 / 255f, 128 / 255f]);
    }

    [Fact]
    public void Bayer_matrix_is_the_normalised_recursive_pattern()
    {
        BayerDither.Matrix(2).ShouldBe([-0.375f, 0.125f, 0.375f, -0.125f]);
        BayerDither.Matrix(4).Length.ShouldBe(16);
        BayerDither.Matrix(8).Distinct().Count().ShouldBe(64);
    }

    [Fact]
    public void Palette_mapping_uses_the_colour_cache_cell_even_for_a_colour_in_the_palette()
    {
        // Pillow 9.4: (3, 0, 0) is itself entry 1, but its cache cell starts at (0, 0, 0), which is entry 0.
        var mapper = new PaletteMapper([0x000000, 0x030000]);

        mapper.Map(3, 0, 0).ShouldBe(0);
        mapper.Map(7, 0, 0).ShouldBe(1);
        mapper.Map(200, 0, 0).ShouldBe(1);
    }
}
