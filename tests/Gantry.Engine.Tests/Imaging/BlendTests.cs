using Gantry.Engine.Imaging.Blend;
using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.TestSupport.Imaging;

namespace Gantry.Engine.Tests.Imaging;

public sealed class BlendTests
{
    [Theory]
    [InlineData(BlendMode.Normal, 0.7f, 0.3f)]
    [InlineData(BlendMode.Multiply, 0.14f, 0.24f)]
    [InlineData(BlendMode.Screen, 0.76f, 0.86f)]
    [InlineData(BlendMode.Overlay, 0.28f, 0.72f)]
    [InlineData(BlendMode.SoftLight, 0.2992f, 0.736f)]
    [InlineData(BlendMode.Difference, 0f, 0.5f)]
    public void Each_mode_gives_its_formula_on_known_pixels(BlendMode mode, float darkOverLight, float lightOverDark)
    {
        // Pixel 1: a = 0.2, b = 0.7. Pixel 2: a = 0.8, b = 0.3. blend_factor 1 returns the mode's value.
        // soft_light: g(0.2) = ((16·0.2 − 12)·0.2 + 4)·0.2 = 0.448, so 0.2 + 0.4·(0.448 − 0.2) = 0.2992.
        var a = TestImages.Image(1, 2, 1, 0.2f, 0.8f);
        var b = TestImages.Image(1, 2, 1, 0.7f, 0.3f);

        var output = ImageBlend.Blend(a, b, 1.0, mode);

        TestImages.ShouldAllBeClose(output.Span, [darkOverLight, lightOverDark], 1e-6f);
    }

    [Fact]
    public void Blend_factor_mixes_with_the_first_image()
    {
        var a = TestImages.Image(1, 1, 3, 0.2f, 0.4f, 1f);
        var b = TestImages.Image(1, 1, 3, 0.6f, 0f, 1f);

        var output = ImageBlend.Blend(a, b, 0.25, BlendMode.Normal);

        TestImages.ShouldAllBeClose(output.Span, [0.3f, 0.3f, 1f], 1e-6f);
    }

    [Fact]
    public void Alpha_of_the_first_image_is_kept_and_a_missing_alpha_counts_as_opaque()
    {
        var rgba = TestImages.Image(1, 1, 4, 0.5f, 0.5f, 0.5f, 0.25f);
        var rgb = TestImages.Image(1, 1, 3, 1f, 1f, 1f);

        var output = ImageBlend.Blend(rgba, rgb, 0.5, BlendMode.Multiply);

        output.Channels.ShouldBe(4);
        TestImages.ShouldAllBeClose(output.Span, [0.5f, 0.5f, 0.5f, 0.25f], 1e-6f);
        ImageBlend.Blend(rgb, rgba, 1.0, BlendMode.Normal).Channels.ShouldBe(3);
    }

    [Fact]
    public void A_second_image_of_another_size_is_resized_bicubic_with_a_centre_crop()
    {
        var a = TestImages.Random(1, 6, 8, 3, seed: 1);
        var b = TestImages.Random(1, 9, 5, 3, seed: 2);

        var output = ImageBlend.Blend(a, b, 1.0, BlendMode.Normal);

        var resized = ImageResize.Resize(b, 8, 6, ResizeMethod.Bicubic, CropMode.Center);
        var clamped = resized.Span.ToArray().Select(v => Math.Clamp(v, 0f, 1f)).ToArray();
        TestImages.ShouldAllBeClose(output.Span, clamped, 1e-6f);
    }

    [Fact]
    public void A_single_frame_broadcasts_over_the_other_batch()
    {
        var a = TestImages.Random(1, 3, 4, 3, seed: 3);
        var b = TestImages.Random(3, 3, 4, 3, seed: 4);

        var output = ImageBlend.Blend(a, b, 0.5, BlendMode.Screen);

        output.Batch.ShouldBe(3);
        var expected = NaiveImaging.Blend(a, b.Slice(2, 1), 0.5f, BlendMode.Screen);
        TestImages.ShouldAllBeClose(output.Frame(2), expected.Span, 1e-6f);
        Should.Throw<ArgumentException>(() => ImageBlend.Blend(TestImages.Random(2, 3, 4, 3, 5), b, 0.5, BlendMode.Normal));
    }

    [Theory]
    [InlineData(BlendMode.Normal)]
    [InlineData(BlendMode.Multiply)]
    [InlineData(BlendMode.Screen)]
    [InlineData(BlendMode.Overlay)]
    [InlineData(BlendMode.SoftLight)]
    [InlineData(BlendMode.Difference)]
    public void Vector_path_agrees_with_the_scalar_formula(BlendMode mode)
    {
        // 37×29×4 leaves a tail after the last full vector; values run past 0..1 to exercise the clamp.
        var a = TestImages.Random(2, 37, 29, 4, seed: 10);
        var b = TestImages.Random(2, 37, 29, 4, seed: 11);
        a.WritableSpan[5] = 1.5f;
        b.WritableSpan[6] = -0.5f;

        ImageBlend.Blend(a, b, 0.37, mode).ShouldMatch(NaiveImaging.Blend(a, b, 0.37f, mode), 1e-6f);
    }

    [Fact]
    public void Mode_names_parse_as_ComfyUI_spells_them()
    {
        BlendModes.Names.Select(BlendModes.Parse).Distinct().Count().ShouldBe(6);
        Should.Throw<ArgumentException>(() => BlendModes.Parse("hard_light"));
    }
}
