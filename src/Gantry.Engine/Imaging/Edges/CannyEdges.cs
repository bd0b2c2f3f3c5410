namespace Gantry.Engine.Imaging.Edges;

/// <summary>
/// kornia's <c>canny</c> with the arguments ComfyUI's Canny node passes (a 5 × 5 gaussian of sigma 1, hysteresis on),
/// on one grey plane, in float32 as PyTorch computes it:
/// <list type="number">
/// <item>a separable gaussian, taps exp(−x²/2) for x = −2..2 divided by their float32 sum, across rows then down
/// columns, the border mirrored without repeating the edge (torch's "reflect");</item>
/// <item>Sobel gradients without normalisation, the border replicated: gx = right − left column (weights 1, 2, 1),
/// gy = bottom − top row;</item>
/// <item>magnitude √(gx² + gy² + 10⁻⁶); direction atan2(gy, gx) in degrees, rounded (half to even) to a multiple
/// of 45°;</item>
/// <item>non-maximum suppression: a pixel keeps its magnitude only when it is strictly greater than both neighbours
/// along its direction (a neighbour outside the image counts as 0);</item>
/// <item>thresholds: above <c>low</c> is weak, above <c>high</c> strong; hysteresis keeps the strong pixels and every
/// weak pixel 8-connected to one through weak pixels (kornia iterates to the same fixed point). The result is 1 on
/// an edge and 0 elsewhere.</item>
/// </list>
/// Sums of products may round in another order than PyTorch's convolutions; that moves a value by an ulp or two and
/// changes the result only where a magnitude sits on a threshold or a direction on a 22.5° boundary.
/// </summary>
public static class CannyEdges
{
    private static readonly (int Dy, int Dx)[] Directions = [(0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1)];

    /// <summary>The edge map (0 or 1) of a grey plane of at least 3 × 3 pixels.</summary>
    public static float[] Detect(float[] grey, int width, int height, float low, float high)
    {
        ArgumentNullException.ThrowIfNull(grey);
        var blurred = Blur(grey, width, height);
        var magnitude = new float[grey.Length];
        var octant = new int[grey.Length];
        Gradients(blurred, width, height, magnitude, octant);
        var edges = Suppress(magnitude, octant, width, height, low, high);
        return Hysteresis(edges, width, height);
    }

    /// <summary>The gaussian's taps as PyTorch computes them in float32.</summary>
    internal static float[] GaussianTaps()
    {
        var taps = new float[5];
        var sum = 0f;
        for (var i = 0; i < taps.Length; i++)
        {
            var x = (float)(i - 2);
            taps[i] = MathF.Exp(-(x * x) / 2f);
            sum += taps[i];
        }

        for (var i = 0; i < taps.Length; i++)
        {
            taps[i] /= sum;
        }

        return taps;
    }

    private static float[] Blur(float[] grey, int width, int height)
    {
        var taps = GaussianTaps();
        var rows = new float[grey.Length];
        var output = new float[grey.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var sum = 0f;
                for (var t = 0; t < taps.Length; t++)
                {
                    sum += taps[t] * grey[(y * width) + Reflect(x + t - 2, width)];
                }

                rows[(y * width) + x] = sum;
            }
        }

        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var sum = 0f;
                for (var t = 0; t < taps.Length; t++)
                {
                    sum += taps[t] * rows[(Reflect(y + t - 2, height) * width) + x];
                }

                output[(y * width) + x] = sum;
            }
        }

        return output;
    }

    private static void Gradients(float[] image, int width, int height, float[] magnitude, int[] octant)
    {
        for (var y = 0; y < height; y++)
        {
            int up = Math.Max(y - 1, 0) * width, row = y * width, down = Math.Min(y + 1, height - 1) * width;
            for (var x = 0; x < width; x++)
            {
                int left = Math.Max(x - 1, 0), right = Math.Min(x + 1, width - 1);
                var gx = -image[up + left] + image[up + right] - (2f * image[row + left]) + (2f * image[row + right]) - image[down + left] + image[down + right];
                var gy = -image[up + left] - (2f * image[up + x]) - image[up + right] + image[down + left] + (2f * image[down + x]) + image[down + right];
                magnitude[row + x] = MathF.Sqrt((gx * gx) + (gy * gy) + 1e-6f);
                var degrees = 180f * MathF.Atan2(gy, gx) / MathF.PI;
                var steps = (int)MathF.Round(degrees / 45f, MidpointRounding.ToEven);
                octant[row + x] = ((steps % 8) + 8) % 8;
            }
        }
    }

    /// <summary>Non-maximum suppression and the two thresholds: 0, 0.5 (weak) or 1 (strong) per pixel.</summary>
    private static float[] Suppress(float[] magnitude, int[] octant, int width, int height, float low, float high)
    {
        var edges = new float[magnitude.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width) + x;
                var centre = magnitude[i];
                var (dy, dx) = Directions[octant[i]];
                var ahead = centre - Neighbour(magnitude, width, height, x + dx, y + dy);
                var behind = centre - Neighbour(magnitude, width, height, x - dx, y - dy);
                var kept = Math.Min(ahead, behind) > 0f ? centre : 0f;
                edges[i] = (kept > low ? 0.5f : 0f) + (kept > high ? 0.5f : 0f);
            }
        }

        return edges;
    }

    internal static float[] Hysteresis(float[] edges, int width, int height)
    {
        var result = new float[edges.Length];
        var stack = new Stack<int>();
        for (var i = 0; i < edges.Length; i++)
        {
            if (edges[i] == 1f)
            {
                result[i] = 1f;
                stack.Push(i);
            }
        }

        while (stack.Count > 0)
        {
            var i = stack.Pop();
            int x = i % width, y = i / width;
            foreach (var (dy, dx) in Directions)
            {
                int nx = x + dx, ny = y + dy;
                if (nx < 0 || ny < 0 || nx >= width || ny >= height)
                {
                    continue;
                }

                var n = (ny * width) + nx;
                if (edges[n] == 0.5f && result[n] == 0f)
                {
                    result[n] = 1f;
                    stack.Push(n);
                }
            }
        }

        return result;
    }

    private static float Neighbour(float[] plane, int width, int height, int x, int y) =>
        x < 0 || y < 0 || x >= width || y >= height ? 0f : plane[(y * width) + x];

    private static int Reflect(int index, int size) => index < 0 ? -index : index >= size ? (2 * (size - 1)) - index : index;
}
