namespace Gantry.Engine.Imaging.Filters;

/// <summary>
/// ComfyUI's gaussian kernel (nodes_post_processing.gaussian_kernel): size 2·radius + 1 with taps on
/// linspace(−1, 1), so sigma is measured in units of the radius, not pixels. The 2-D kernel
/// exp(−(x² + y²) / 2σ²) / Σ is the outer product of this 1-D kernel with itself.
/// </summary>
public static class GaussianKernel
{
    /// <summary>The normalised 1-D taps (length 2·radius + 1).</summary>
    public static float[] Create(int radius, float sigma)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        var size = (2 * radius) + 1;
        var taps = new double[size];
        var sum = 0.0;
        for (var i = 0; i < size; i++)
        {
            var x = size == 1 ? 0.0 : -1.0 + (2.0 * i / (size - 1));
            taps[i] = Math.Exp(-(x * x) / (2.0 * sigma * sigma));
            sum += taps[i];
        }

        var kernel = new float[size];
        for (var i = 0; i < size; i++)
        {
            kernel[i] = (float)(taps[i] / sum);
        }

        return kernel;
    }
}
