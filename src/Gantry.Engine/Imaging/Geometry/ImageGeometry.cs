using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Geometry;

/// <summary>Which way ImageFlip mirrors (<c>flip_method</c>).</summary>
public enum FlipAxis
{
    /// <summary><c>x-axis: vertically</c>: top and bottom swap.</summary>
    Vertical,

    /// <summary><c>y-axis: horizontally</c>: left and right swap.</summary>
    Horizontal,
}

/// <summary>ImageRotate's <c>rotation</c>: clockwise quarter turns (torch.rot90 with dims [2, 1]).</summary>
public enum Rotation
{
    None = 0,
    Clockwise90 = 1,
    Clockwise180 = 2,
    Clockwise270 = 3,
}

/// <summary>ImageCrop, ImageFlip, ImageRotate and ImagePadForOutpaint.</summary>
public static class ImageGeometry
{
    public static FlipAxis ParseFlip(string name) => name switch
    {
        "x-axis: vertically" => FlipAxis.Vertical,
        "y-axis: horizontally" => FlipAxis.Horizontal,
        _ => throw new ArgumentException($"Unknown flip method '{name}'.", nameof(name)),
    };

    public static Rotation ParseRotation(string name) => name switch
    {
        "none" => Rotation.None,
        "90 degrees" => Rotation.Clockwise90,
        "180 degrees" => Rotation.Clockwise180,
        "270 degrees" => Rotation.Clockwise270,
        _ => throw new ArgumentException($"Unknown rotation '{name}'.", nameof(name)),
    };

    /// <summary>
    /// ImageCrop: x and y are clamped to the last column and row, and the region is cut where it passes
    /// the image edge, so the result is min(width, W − x) × min(height, H − y).
    /// </summary>
    public static ImageTensor Crop(ImageTensor image, int width, int height, int x, int y)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        x = Math.Min(x, image.Width - 1);
        y = Math.Min(y, image.Height - 1);
        var outWidth = Math.Min(width, image.Width - x);
        var outHeight = Math.Min(height, image.Height - y);
        var output = new ImageTensor(image.Batch, outHeight, outWidth, image.Channels);
        var c = image.Channels;
        for (var b = 0; b < image.Batch; b++)
        {
            var src = image.Frame(b);
            var dst = output.WritableFrame(b);
            for (var r = 0; r < outHeight; r++)
            {
                src.Slice((((y + r) * image.Width) + x) * c, outWidth * c).CopyTo(dst.Slice(r * outWidth * c, outWidth * c));
            }
        }

        return output;
    }

    /// <summary>ImageFlip.</summary>
    public static ImageTensor Flip(ImageTensor image, FlipAxis axis)
    {
        ArgumentNullException.ThrowIfNull(image);
        var output = image.CreateLike();
        var c = image.Channels;
        var rowLength = image.Width * c;
        for (var b = 0; b < image.Batch; b++)
        {
            var src = image.Frame(b);
            var dst = output.WritableFrame(b);
            for (var r = 0; r < image.Height; r++)
            {
                var from = src.Slice(r * rowLength, rowLength);
                if (axis == FlipAxis.Vertical)
                {
                    from.CopyTo(dst.Slice((image.Height - 1 - r) * rowLength, rowLength));
                }
                else
                {
                    var to = dst.Slice(r * rowLength, rowLength);
                    for (int s = 0, d = rowLength - c; s < rowLength; s += c, d -= c)
                    {
                        for (var ch = 0; ch < c; ch++)
                        {
                            to[d + ch] = from[s + ch];
                        }
                    }
                }
            }
        }

        return output;
    }

    /// <summary>ImageRotate: clockwise quarter turns; 90 and 270 swap width and height.</summary>
    public static ImageTensor Rotate(ImageTensor image, Rotation rotation)
    {
        ArgumentNullException.ThrowIfNull(image);
        var turns = (((int)rotation % 4) + 4) % 4;
        if (turns == 0)
        {
            return image;
        }

        if (turns == 2)
        {
            return Flip(Flip(image, FlipAxis.Vertical), FlipAxis.Horizontal);
        }

        int w = image.Width, h = image.Height, c = image.Channels;
        var output = new ImageTensor(image.Batch, w, h, c);
        for (var b = 0; b < image.Batch; b++)
        {
            var src = image.Frame(b);
            var dst = output.WritableFrame(b);

            // Output row i, column j: clockwise reads input (h − 1 − j, i); counter-clockwise (j, w − 1 − i).
            for (var i = 0; i < w; i++)
            {
                var row = dst.Slice(i * h * c, h * c);
                var column = turns == 1 ? i : w - 1 - i;
                for (var j = 0; j < h; j++)
                {
                    var line = turns == 1 ? h - 1 - j : j;
                    var from = ((line * w) + column) * c;
                    for (var ch = 0; ch < c; ch++)
                    {
                        row[(j * c) + ch] = src[from + ch];
                    }
                }
            }
        }

        return output;
    }

    /// <summary>
    /// ImagePadForOutpaint: pads with 0.5 grey and returns a mask that is 1 in the padding and, when
    /// feathering is on (feathering > 0 and 2·feathering smaller than both sides), ((f − d) / f)² inside,
    /// where d is the distance to the nearest padded edge (measured as ComfyUI does: i from the top, H − i
    /// from the bottom, only toward edges that were padded).
    /// </summary>
    public static (ImageTensor Image, MaskTensor Mask) PadForOutpaint(ImageTensor image, int left, int top, int right, int bottom, int feathering)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(left);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        ArgumentOutOfRangeException.ThrowIfNegative(right);
        ArgumentOutOfRangeException.ThrowIfNegative(bottom);
        ArgumentOutOfRangeException.ThrowIfNegative(feathering);
        int h = image.Height, w = image.Width, c = image.Channels;
        var outHeight = h + top + bottom;
        var outWidth = w + left + right;
        var padded = new ImageTensor(image.Batch, outHeight, outWidth, c);
        padded.WritableSpan.Fill(0.5f);
        for (var b = 0; b < image.Batch; b++)
        {
            var src = image.Frame(b);
            var dst = padded.WritableFrame(b);
            for (var r = 0; r < h; r++)
            {
                src.Slice(r * w * c, w * c).CopyTo(dst.Slice((((top + r) * outWidth) + left) * c, w * c));
            }
        }

        var mask = new MaskTensor(1, outHeight, outWidth);
        var m = mask.WritableSpan;
        m.Fill(1f);
        var feather = feathering > 0 && feathering * 2 < h && feathering * 2 < w;
        for (var i = 0; i < h; i++)
        {
            var row = m.Slice(((top + i) * outWidth) + left, w);
            for (var j = 0; j < w; j++)
            {
                row[j] = feather ? FeatherValue(i, j, h, w, left, top, right, bottom, feathering) : 0f;
            }
        }

        return (padded, mask);
    }

    private static float FeatherValue(int i, int j, int h, int w, int left, int top, int right, int bottom, int feathering)
    {
        var dt = top != 0 ? i : h;
        var db = bottom != 0 ? h - i : h;
        var dl = left != 0 ? j : w;
        var dr = right != 0 ? w - j : w;
        var d = Math.Min(Math.Min(dt, db), Math.Min(dl, dr));
        if (d >= feathering)
        {
            return 0f;
        }

        var v = (feathering - d) / (double)feathering;
        return (float)(v * v);
    }
}
