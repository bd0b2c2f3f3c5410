using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Edges;

/// <summary>
/// kornia's grey-level morphology with a flat k × k structuring element of ones, as ComfyUI's Morphology node calls
/// it (kornia 0.7–0.8, default arguments): every channel (alpha included) on its own; the element's origin is
/// (k / 2, k / 2), so output pixel x reduces the window [x − k/2, x − k/2 + k − 1] in both axes (for an even k the
/// window reaches one pixel further back than forward), for erosion and dilation alike; the border is "geodesic":
/// pixels outside the image are ignored, never padded. Erosion is the window minimum, dilation the maximum; opening
/// = dilate(erode), closing = erode(dilate), gradient = dilate − erode, top hat = image − opening, bottom hat =
/// closing − image, each in float32. A flat rectangle is separable for min and max, so rows then columns give the
/// same values as the k² window, in O(1) per pixel.
/// </summary>
public static class GreyMorphology
{
    public static ImageTensor Apply(ImageTensor image, MorphologyOperation operation, int kernelSize)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        var output = image.CreateLike();
        var plane = new float[image.Width * image.Height];
        var work = new Planes(image.Width, image.Height, kernelSize);
        for (var b = 0; b < image.Batch; b++)
        {
            var source = image.Frame(b);
            var destination = output.WritableFrame(b);
            for (var c = 0; c < image.Channels; c++)
            {
                for (var p = 0; p < plane.Length; p++)
                {
                    plane[p] = source[(p * image.Channels) + c];
                }

                var result = work.Run(plane, operation);
                for (var p = 0; p < plane.Length; p++)
                {
                    destination[(p * image.Channels) + c] = result[p];
                }
            }
        }

        return output;
    }

    /// <summary>Scratch planes for one image size and the composite operations over them.</summary>
    private sealed class Planes(int width, int height, int kernelSize)
    {
        private readonly float[] _first = new float[width * height];
        private readonly float[] _second = new float[width * height];
        private readonly float[] _third = new float[width * height];
        private readonly float[] _rows = new float[width * height];
        private readonly int[] _queue = new int[Math.Max(width, height)];
        private readonly int _before = kernelSize / 2;
        private readonly int _after = kernelSize - (kernelSize / 2) - 1;

        public float[] Run(float[] image, MorphologyOperation operation)
        {
            switch (operation)
            {
                case MorphologyOperation.Erode:
                    Reduce(image, _first, max: false);
                    return _first;
                case MorphologyOperation.Dilate:
                    Reduce(image, _first, max: true);
                    return _first;
                case MorphologyOperation.Open:
                    Reduce(image, _second, max: false);
                    Reduce(_second, _first, max: true);
                    return _first;
                case MorphologyOperation.Close:
                    Reduce(image, _second, max: true);
                    Reduce(_second, _first, max: false);
                    return _first;
                case MorphologyOperation.Gradient:
                    Reduce(image, _first, max: true);
                    Reduce(image, _second, max: false);
                    return Subtract(_first, _second, _first);
                case MorphologyOperation.TopHat:
                    Reduce(image, _second, max: false);
                    Reduce(_second, _third, max: true);
                    return Subtract(image, _third, _first);
                case MorphologyOperation.BottomHat:
                    Reduce(image, _second, max: true);
                    Reduce(_second, _third, max: false);
                    return Subtract(_third, image, _first);
                default:
                    throw new ArgumentOutOfRangeException(nameof(operation), operation, null);
            }
        }

        private static float[] Subtract(float[] left, float[] right, float[] into)
        {
            for (var i = 0; i < into.Length; i++)
            {
                into[i] = left[i] - right[i];
            }

            return into;
        }

        /// <summary>Window minimum or maximum over rows, then over columns.</summary>
        private void Reduce(float[] source, float[] destination, bool max)
        {
            for (var y = 0; y < height; y++)
            {
                Slide(source, y * width, 1, _rows, width, max);
            }

            for (var x = 0; x < width; x++)
            {
                Slide(_rows, x, width, destination, height, max);
            }
        }

        /// <summary>
        /// One line of <paramref name="count"/> samples (start, stride): each output takes the extreme of the samples
        /// from i − before to i + after that lie on the line, with a monotonic queue of candidate indices.
        /// </summary>
        private void Slide(float[] source, int start, int stride, float[] destination, int count, bool max)
        {
            int head = 0, tail = 0, next = 0;
            for (var i = 0; i < count; i++)
            {
                var last = Math.Min(count - 1, i + _after);
                for (; next <= last; next++)
                {
                    var value = source[start + (next * stride)];
                    while (tail > head && !Beats(source[start + (_queue[tail - 1] * stride)], value, max))
                    {
                        tail--;
                    }

                    _queue[tail++] = next;
                }

                while (_queue[head] < i - _before)
                {
                    head++;
                }

                destination[start + (i * stride)] = source[start + (_queue[head] * stride)];
            }
        }

        private static bool Beats(float kept, float incoming, bool max) => max ? kept > incoming : kept < incoming;
    }
}
