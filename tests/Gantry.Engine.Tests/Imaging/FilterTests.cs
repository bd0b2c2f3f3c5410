using Gantry.Engine.Imaging.Filters;
using Gantry.Engine.Tensors;
using Gantry.Engine.TestSupport.Imaging;

namespace Gantry.Engine.Tests.Imaging;

public sealed class FilterTests
{
    [Fact]
    public void Kernel_taps_sit_on_linspace_minus_one_to_one()
    {
        var kernel = GaussianKernel.Create(1, 1f);

        var edge = MathF.Exp(-0.5f);
        var sum = 1f + (2f * edge);
        TestImages.ShouldAllBeClose(kernel, [edge / sum, 1f / sum, edge / sum], 1e-7f);
    }

    [Fact]
    public void Blur_of_an_impulse_sums_to_one_and_reproduces_the_kernel()
    {
        var impulse = new ImageTensor(1, 9, 9, 1);
        impulse.WritableSpan[(4 * 9) + 4] = 1f;

        var output = ImageFilters.Blur(impulse, 2, 1f).Span;

        var kernel = GaussianKernel.Create(2, 1f);
        var total = 0f;
        for (var y = 0; y < 9; y++)
        {
            for (var x = 0; x < 9; x++)
            {
                var value = output[(y * 9) + x];
                total += value;
                var inside = Math.Abs(y - 4) <= 2 && Math.Abs(x - 4) <= 2;
                var expected = inside ? kernel[y - 2] * kernel[x - 2] : 0f;
                value.ShouldBe(expected, 1e-7f);
            }
        }

        total.ShouldBe(1f, 1e-6f);
    }

    [Fact]
    public void Blur_reflects_at_the_edges_without_repeating_the_edge_sample()
    {
        // Every row is 1, 0, 0. Reflect padding mirrors sample 1 (a 0) to the left of sample 0;
        // replicate padding would have put another 1 there.
        var image = TestImages.Image(3, 3, 1, 1f, 0f, 0f, 1f, 0f, 0f, 1f, 0f, 0f);
        var k = GaussianKernel.Create(1, 1f);

        var output = ImageFilters.Blur(image, 1, 1f).Span;

        TestImages.ShouldAllBeClose(output[..3], [k[1], k[0], 0f], 1e-6f);
    }

    [Theory]
    [InlineData(1, 1f, 3)]
    [InlineData(3, 0.5f, 3)]
    [InlineData(5, 2.5f, 4)]
    [InlineData(2, 1f, 1)]
    public void Separable_blur_agrees_with_the_full_2D_convolution(int radius, float sigma, int channels)
    {
        var image = TestImages.Random(2, 23, 31, channels, seed: radius);

        ImageFilters.Blur(image, radius, sigma).ShouldMatch(NaiveImaging.Blur(image, radius, sigma), 1e-5f);
    }

    [Theory]
    [InlineData(1, 1f, 1f)]
    [InlineData(3, 0.7f, 0.3f)]
    [InlineData(4, 2f, 5f)]
    public void Sharpen_agrees_with_ComfyUIs_altered_kernel(int radius, float sigma, float alpha)
    {
        var image = TestImages.Random(1, 19, 26, 3, seed: radius);

        // (1 + 10α)·x − 10α·blur(x) magnifies float rounding by about 10α, in torch as here.
        var tolerance = 1e-6f * (1f + (10f * alpha));
        ImageFilters.Sharpen(image, radius, sigma, alpha).ShouldMatch(NaiveImaging.Sharpen(image, radius, sigma, alpha), tolerance);
    }

    [Fact]
    public void Sharpen_leaves_a_flat_image_flat_and_clamps()
    {
        var flat = new ImageTensor(1, 6, 6, 3);
        flat.WritableSpan.Fill(0.25f);
        ImageFilters.Sharpen(flat, 2, 1f, 2f).Span.ToArray().ShouldAllBe(v => MathF.Abs(v - 0.25f) < 1e-5f);

        var spike = new ImageTensor(1, 5, 5, 1);
        spike.WritableSpan[12] = 1f;
        var sharpened = ImageFilters.Sharpen(spike, 1, 1f, 5f).Span.ToArray();
        sharpened.Min().ShouldBe(0f);
        sharpened.Max().ShouldBe(1f);
    }

    [Fact]
    public void Radius_zero_returns_the_input_and_too_large_a_radius_is_refused()
    {
        var image = TestImages.Random(1, 4, 6, 3, seed: 9);

        ImageFilters.Blur(image, 0, 1f).ShouldBeSameAs(image);
        ImageFilters.Sharpen(image, 0, 1f, 1f).ShouldBeSameAs(image);
        Should.Throw<ArgumentOutOfRangeException>(() => ImageFilters.Blur(image, 4, 1f)).Message.ShouldContain("reflect padding");
    }
}
