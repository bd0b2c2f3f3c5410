using System.Runtime.Intrinsics;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Masks;

/// <summary>GrowMask (comfy_extras/nodes_mask.py): repeated grey dilation or erosion.</summary>
/// <remarks>
/// ComfyUI runs scipy's grey_dilation / grey_erosion |expand| times with a 3×3 footprint: the cross
/// (4-neighbourhood) when tapered_corners is on, the full square when off. scipy's default 'reflect'
/// border repeats the edge sample, which never changes a max or min, so neighbours outside the mask are
/// simply left out here. Each pass is vectorised over rows.
/// </remarks>
public static class MaskMorphology
{
    public static MaskTensor Grow(MaskTensor mask, int expand, bool taperedCorners)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var output = mask.CreateLike();
        mask.Span.CopyTo(output.WritableSpan);
        if (expand == 0)
        {
            return output;
        }

        var dilate = expand > 0;
        var steps = Math.Abs(expand);
        var scratch = new float[mask.FrameLength];
        var rowBuffer = new float[mask.Width];
        for (var b = 0; b < mask.Batch; b++)
        {
            var frame = output.WritableFrame(b);
            for (var s = 0; s < steps; s++)
            {
                Step(frame, scratch, rowBuffer, mask.Width, mask.Height, taperedCorners, dilate);
                scratch.AsSpan().CopyTo(frame);
            }
        }

        return output;
    }

    /// <summary>One 3×3 pass from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    internal static void Step(ReadOnlySpan<float> source, Span<float> destination, Span<float> rowBuffer, int width, int height, bool cross, bool dilate)
    {
        for (var y = 0; y < height; y++)
        {
            var up = source.Slice(Math.Max(0, y - 1) * width, width);
            var row = source.Slice(y * width, width);
            var down = source.Slice(Math.Min(height - 1, y + 1) * width, width);
            var output = destination.Slice(y * width, width);
            if (cross)
            {
                Horizontal3(row, output, dilate);
                Combine(output, up, output, dilate);
                Combine(output, down, output, dilate);
            }
            else
            {
                Combine(up, row, rowBuffer, dilate);
                Combine(rowBuffer, down, rowBuffer, dilate);
                Horizontal3(rowBuffer, output, dilate);
            }
        }
    }

    /// <summary>dst[i] = op(a[i], b[i]).</summary>
    private static void Combine(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination, bool max)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= destination.Length - 8; i += 8)
            {
                var va = Vector256.Create(a.Slice(i, 8));
                var vb = Vector256.Create(b.Slice(i, 8));
                (max ? Vector256.Max(va, vb) : Vector256.Min(va, vb)).CopyTo(destination.Slice(i, 8));
            }
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = max ? MathF.Max(a[i], b[i]) : MathF.Min(a[i], b[i]);
        }
    }

    /// <summary>dst[i] = op(src[i − 1], src[i], src[i + 1]) with missing neighbours left out.</summary>
    private static void Horizontal3(ReadOnlySpan<float> source, Span<float> destination, bool max)
    {
        var width = source.Length;
        if (width == 1)
        {
            destination[0] = source[0];
            return;
        }

        var first = Pick(source[0], source[1], max);
        var last = Pick(source[width - 1], source[width - 2], max);
        var i = 1;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= width - 9; i += 8)
            {
                var left = Vector256.Create(source.Slice(i - 1, 8));
                var mid = Vector256.Create(source.Slice(i, 8));
                var right = Vector256.Create(source.Slice(i + 1, 8));
                var v = max ? Vector256.Max(Vector256.Max(left, mid), right) : Vector256.Min(Vector256.Min(left, mid), right);
                v.CopyTo(destination.Slice(i, 8));
            }
        }

        for (; i < width - 1; i++)
        {
            destination[i] = Pick(Pick(source[i - 1], source[i], max), source[i + 1], max);
        }

        destination[0] = first;
        destination[width - 1] = last;
    }

    private static float Pick(float a, float b, bool max) => max ? MathF.Max(a, b) : MathF.Min(a, b);
}
