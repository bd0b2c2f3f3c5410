using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Filters;

/// <summary>ImageBlur and ImageSharpen (comfy_extras/nodes_post_processing.py).</summary>
/// <remarks>
/// ComfyUI convolves with the full 2-D kernel after reflect padding; this does the same maths as two
/// 1-D passes (the gaussian is separable), so results differ from torch only by float rounding (≈1e-6).
/// Reflect padding needs radius &lt; width and radius &lt; height, as torch does.
/// </remarks>
public static class ImageFilters
{
    /// <summary>ImageBlur: gaussian of size 2·radius + 1, sigma in units of the radius. Radius 0 returns the input.</summary>
    public static ImageTensor Blur(ImageTensor image, int blurRadius, float sigma)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (blurRadius == 0)
        {
            return image;
        }

        ThrowIfRadiusTooLarge(image, blurRadius);
        var kernel = GaussianKernel.Create(blurRadius, sigma);
        var output = image.CreateLike();
        for (var b = 0; b < image.Batch; b++)
        {
            SeparableGaussian.Apply(image.Frame(b), output.WritableFrame(b), image.Width, image.Height, image.Channels, kernel, 0f, 1f, clamp: false);
        }

        return output;
    }

    /// <summary>
    /// ImageSharpen: the kernel is −10·alpha·G with 1 + 10·alpha·ΣG added at the centre, i.e.
    /// clamp((1 + 10α)·x − 10α·blur(x), 0, 1). Radius 0 returns the input.
    /// </summary>
    public static ImageTensor Sharpen(ImageTensor image, int sharpenRadius, float sigma, float alpha)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (sharpenRadius == 0)
        {
            return image;
        }

        ThrowIfRadiusTooLarge(image, sharpenRadius);
        var kernel = GaussianKernel.Create(sharpenRadius, sigma);
        var gain = alpha * 10f;
        var output = image.CreateLike();
        for (var b = 0; b < image.Batch; b++)
        {
            SeparableGaussian.Apply(image.Frame(b), output.WritableFrame(b), image.Width, image.Height, image.Channels, kernel, 1f + gain, -gain, clamp: true);
        }

        return output;
    }

    private static void ThrowIfRadiusTooLarge(ImageTensor image, int radius)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        if (radius >= image.Width || radius >= image.Height)
        {
            throw new ArgumentOutOfRangeException(
                nameof(radius),
                $"A radius of {radius} needs an image larger than {radius}×{radius} pixels for reflect padding; this one is {image.Width}×{image.Height}.");
        }
    }
}
