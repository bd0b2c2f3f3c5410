using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Masks;

/// <summary>FeatherMask (comfy_extras/nodes_mask.py).</summary>
public static class MaskFeather
{
    /// <summary>
    /// Linear ramps at the edges: the k-th column from the left (k = 1..left) is multiplied by k / left, and
    /// likewise for top, in that order. Widths are capped at the mask size; corners and overlapping ramps multiply.
    /// The right and bottom ramps index from the end as ComfyUI does (<c>output[..., -x]</c> for x = 0..n−1): step
    /// 0 scales the <em>first</em> column (row) by 1/n, step k ≥ 1 scales column w − k by (k + 1)/n, so the last
    /// column gets 2/n and the first one 1/n more (checked against ComfyUI by the fidelity tests).
    /// </summary>
    public static MaskTensor Feather(MaskTensor mask, int left, int top, int right, int bottom)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(left);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        ArgumentOutOfRangeException.ThrowIfNegative(right);
        ArgumentOutOfRangeException.ThrowIfNegative(bottom);
        int w = mask.Width, h = mask.Height;
        left = Math.Min(left, w);
        right = Math.Min(right, w);
        top = Math.Min(top, h);
        bottom = Math.Min(bottom, h);
        var output = mask.CreateLike();
        mask.Span.CopyTo(output.WritableSpan);
        for (var b = 0; b < mask.Batch; b++)
        {
            var frame = output.WritableFrame(b);
            for (var k = 0; k < left; k++)
            {
                ScaleColumn(frame, w, h, k, Rate(k, left));
            }

            for (var k = 0; k < right; k++)
            {
                ScaleColumn(frame, w, h, FromEnd(k, w), Rate(k, right));
            }

            for (var k = 0; k < top; k++)
            {
                ScaleRow(frame, w, k, Rate(k, top));
            }

            for (var k = 0; k < bottom; k++)
            {
                ScaleRow(frame, w, FromEnd(k, h), Rate(k, bottom));
            }
        }

        return output;
    }

    /// <summary>Python's index <c>-k</c>: 0 for k = 0, else size − k.</summary>
    private static int FromEnd(int k, int size) => k == 0 ? 0 : size - k;

    /// <summary>(k + 1) / n computed in double, applied in float32 as torch does with a Python scalar.</summary>
    private static float Rate(int k, int n) => (float)((k + 1.0) / n);

    private static void ScaleColumn(Span<float> frame, int width, int height, int column, float rate)
    {
        for (var r = 0; r < height; r++)
        {
            frame[(r * width) + column] *= rate;
        }
    }

    private static void ScaleRow(Span<float> frame, int width, int row, float rate)
    {
        var span = frame.Slice(row * width, width);
        for (var i = 0; i < span.Length; i++)
        {
            span[i] *= rate;
        }
    }
}
