using Gantry.Engine.Imaging.Blend;
using Gantry.Engine.Imaging.Color;
using Gantry.Engine.Imaging.Filters;
using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Tests.Imaging.Golden;

/// <summary>
/// Parity with ComfyUI's own arithmetic: the expected values come from torch, Pillow and scipy running the
/// node formulas (make_golden.py) on the same deterministic inputs.
/// </summary>
public sealed class GoldenParityTests
{
    public static TheoryData<string> CaseNames => new(GoldenData.Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_ComfyUI_reference_values(string name)
    {
        var (shape, expected) = GoldenData.Cases[name];
        var parts = name.Split('/');
        var (actual, tolerance) = parts[0] switch
        {
            "resize" => Resize(parts),
            "blur" => (ImageFilters.Blur(Image(1, 6, 7, 3, 3), 2, 1.5f).Span.ToArray(), 1e-6f),
            "sharpen" => (ImageFilters.Sharpen(Image(1, 6, 7, 3, 3), 1, 1f, 0.5f).Span.ToArray(), 5e-6f),
            "blend" => (ImageBlend.Blend(Image(1, 4, 5, 3, 4), Image(1, 3, 3, 3, 5), 0.6, BlendModes.Parse(parts[1])).Span.ToArray(), 1e-6f),
            "quantize" => (ImageQuantize.Quantize(QuantizeInput(), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), ImageQuantize.ParseDither(parts[2])).Span.ToArray(), 0f),
            "grow" => (Grow(parts), 0f),
            _ => throw new InvalidOperationException(name),
        };

        actual.Length.ShouldBe(shape.Aggregate(1, (a, b) => a * b));
        TestImages.ShouldAllBeClose(actual, expected, tolerance);
    }

    private static (float[] Values, float Tolerance) Resize(string[] parts)
    {
        var method = parts[1] == "lanczos-rgba" ? ResizeMethod.Lanczos : ResizeOptions.ParseMethod(parts[1]);
        var size = parts[2].Split('x').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var source = parts[1] == "lanczos-rgba" ? Image(1, 6, 5, 4, 2) : Image(1, 5, 7, 3, 1);
        var output = ImageResize.Resize(source, size[0], size[1], method, ResizeOptions.ParseCrop(parts[3]));
        return (output.Span.ToArray(), method == ResizeMethod.Lanczos || method == ResizeMethod.NearestExact ? 0f : 2e-6f);
    }

    private static float[] Grow(string[] parts)
    {
        var values = TestImages.Pattern(7 * 8, 6).Select(v => v > 0.8f ? 1f : 0f).ToArray();
        var mask = TestImages.Mask(7, 8, values);
        return MaskMorphology.Grow(mask, int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2] == "tapered").Span.ToArray();
    }

    private static ImageTensor Image(int batch, int height, int width, int channels, int seed)
    {
        var image = new ImageTensor(batch, height, width, channels);
        TestImages.Pattern(image.Length, seed).CopyTo(image.WritableSpan);
        return image;
    }

    /// <summary>The 12×16 ramp image of make_golden.py, exact bytes / 255.</summary>
    private static ImageTensor QuantizeInput()
    {
        var image = new ImageTensor(1, 12, 16, 3);
        var s = image.WritableSpan;
        for (var y = 0; y < 12; y++)
        {
            for (var x = 0; x < 16; x++)
            {
                var p = ((y * 16) + x) * 3;
                s[p] = ((x * 16) + (y * 3)) % 256 / 255f;
                s[p + 1] = ((x * 5) + (y * 19)) % 256 / 255f;
                s[p + 2] = ((x * 11) + 40) % 256 / 255f;
            }
        }

        return image;
    }
}
