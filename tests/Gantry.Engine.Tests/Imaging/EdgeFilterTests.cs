using Gantry.Engine.Imaging.Edges;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Tests.Imaging;

/// <summary>
/// Morphology and Canny against kornia's documented behaviour (the real ComfyUI of the fidelity tier stubs kornia):
/// expected values are worked out by hand from kornia's definitions, and each case is built so that a plausible
/// misreading (padding the border, centring an even element the other way, ignoring the strict maximum) changes it.
/// </summary>
public sealed class EdgeFilterTests
{
    [Theory]
    [InlineData(MorphologyOperation.Erode, 3, new[] { 0.1f, 0.1f, 0.3f, 0.3f, 0.3f })]
    [InlineData(MorphologyOperation.Dilate, 3, new[] { 0.9f, 0.9f, 0.9f, 0.7f, 0.7f })]
    public void Erosion_and_dilation_take_the_window_extreme_and_ignore_the_outside(MorphologyOperation operation, int size, float[] expected)
    {
        var row = Plane(5, 1, 0.1f, 0.9f, 0.5f, 0.3f, 0.7f);

        GreyMorphology.Apply(row, operation, size).Span.ToArray().ShouldBe(expected);
    }

    [Fact]
    public void An_even_element_reaches_one_pixel_further_back_than_forward()
    {
        // k = 4: origin 2, so output x reduces x − 2 .. x + 1 (the other centring would give 0.5 at x = 2).
        var row = Plane(5, 1, 0.9f, 0.1f, 0.1f, 0.1f, 0.5f);

        GreyMorphology.Apply(row, MorphologyOperation.Dilate, 4).Span.ToArray().ShouldBe([0.9f, 0.9f, 0.9f, 0.5f, 0.5f]);
    }

    [Theory]
    [InlineData(MorphologyOperation.Open, "0.2 0.2 0.2 0.2 / 0.2 0.2 0.2 0.2 / 0.2 0.2 0.2 0.2 / 0.2 0.2 0.2 0.2")]
    [InlineData(MorphologyOperation.TopHat, "0 0 0 0 / 0 0.8 0 0 / 0 0 0 0 / 0 0 0 0")]
    [InlineData(MorphologyOperation.Close, "1 1 0.2 0.2 / 1 1 0.2 0.2 / 0.2 0.2 0.2 0.2 / 0.2 0.2 0.2 0.2")]
    [InlineData(MorphologyOperation.BottomHat, "0.8 0.8 0 0 / 0.8 0 0 0 / 0 0 0 0 / 0 0 0 0")]
    [InlineData(MorphologyOperation.Gradient, "0.8 0.8 0.8 0 / 0.8 0.8 0.8 0 / 0.8 0.8 0.8 0 / 0 0 0 0")]
    public void The_composites_follow_kornias_definitions(MorphologyOperation operation, string expected)
    {
        // One bright pixel at (1, 1) on 0.2. Closing keeps the corner at 1 only because the border is geodesic.
        var image = Plane(4, 4, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 1f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f);
        var values = expected.Replace("/ ", string.Empty, StringComparison.Ordinal).Split(' ').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        TestImages.ShouldAllBeClose(GreyMorphology.Apply(image, operation, 3).Span, values, 1e-6f);
    }

    [Fact]
    public void Every_channel_is_filtered_on_its_own()
    {
        // Two channels, three pixels: (0, 1), (1, 0), (0, 0).
        var image = TestImages.Image(1, 3, 2, 0f, 1f, 1f, 0f, 0f, 0f);

        GreyMorphology.Apply(image, MorphologyOperation.Dilate, 3).Span.ToArray().ShouldBe([1f, 1f, 1f, 1f, 1f, 0f]);
    }

    [Fact]
    public void A_bright_line_gives_one_edge_on_each_side_and_none_on_the_ridge()
    {
        // Blurred columns 2..6 are 0.054, 0.244, 0.403, 0.244, 0.054; |gx| peaks at columns 3 and 5 (1.39) over 2 and 6
        // (0.98), and the ridge itself has no gradient.
        var grey = Lines(9, 7, (4, 1f));

        var edges = CannyEdges.Detect(grey, 9, 7, 0.4f, 0.8f);

        Columns(edges, 9, 7).ShouldBe([3, 5]);
    }

    [Theory]
    [InlineData(0.4f, 0.8f, new[] { 2, 4 })]
    [InlineData(0.4f, 0.5f, new[] { 2, 4, 10, 12 })]
    [InlineData(0.6f, 0.6f, new[] { 2, 4 })]
    public void A_faint_line_needs_the_high_threshold_or_a_strong_neighbour(float low, float high, int[] expected)
    {
        // The faint line (0.4) has edge magnitude 0.557: weak under (0.4, 0.8) and, alone, dropped by hysteresis.
        var grey = Lines(16, 7, (3, 1f), (11, 0.4f));

        Columns(CannyEdges.Detect(grey, 16, 7, low, high), 16, 7).ShouldBe(expected);
    }

    [Fact]
    public void Hysteresis_keeps_weak_pixels_8_connected_to_a_strong_one()
    {
        float[] map =
        [
            1f, 0f, 0f, 0f, 0.5f,
            0f, 0.5f, 0f, 0f, 0f,
            0f, 0f, 0.5f, 0.5f, 0f,
        ];

        CannyEdges.Hysteresis(map, 5, 3).ShouldBe(
        [
            1f, 0f, 0f, 0f, 0f,
            0f, 1f, 0f, 0f, 0f,
            0f, 0f, 1f, 1f, 0f,
        ]);
    }

    [Fact]
    public void The_gaussian_taps_are_kornias_five_for_sigma_one()
    {
        TestImages.ShouldAllBeClose(CannyEdges.GaussianTaps(), [0.054488685f, 0.24420135f, 0.40261996f, 0.24420135f, 0.054488685f], 1e-6f);
    }

    private static ImageTensor Plane(int width, int height, params float[] values)
    {
        var image = new ImageTensor(1, height, width, 1);
        values.CopyTo(image.WritableSpan);
        return image;
    }

    /// <summary>A black plane with vertical lines of the given brightness.</summary>
    private static float[] Lines(int width, int height, params (int Column, float Value)[] lines)
    {
        var grey = new float[width * height];
        for (var y = 0; y < height; y++)
        {
            foreach (var (column, value) in lines)
            {
                grey[(y * width) + column] = value;
            }
        }

        return grey;
    }

    /// <summary>The columns that are edges; each must be an edge in every row and nothing else may be.</summary>
    private static int[] Columns(float[] edges, int width, int height)
    {
        var columns = Enumerable.Range(0, width).Where(x => edges[x] == 1f).ToArray();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                edges[(y * width) + x].ShouldBe(columns.Contains(x) ? 1f : 0f, $"({x}, {y})");
            }
        }

        return columns;
    }
}
