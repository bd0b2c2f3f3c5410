using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Resize;

/// <summary>
/// ComfyUI's <c>comfy.utils.common_upscale</c> and the ImageScale / ImageScaleBy /
/// ImageScaleToTotalPixels nodes over it.
/// </summary>
/// <remarks>
/// nearest-exact, bilinear, bicubic and area follow torch's <c>F.interpolate</c> (align_corners=False,
/// antialias off) to float rounding (≈1e-6). lanczos follows Pillow exactly, 8-bit quantisation included,
/// because ComfyUI runs it through Pillow. Bicubic can overshoot 0..1 as torch's does; nothing clamps it.
/// </remarks>
public static class ImageResize
{
    /// <summary>common_upscale: optional centre crop to the target aspect, then resize every frame.</summary>
    public static ImageTensor Resize(ImageTensor image, int width, int height, ResizeMethod method, CropMode crop = CropMode.Disabled)
    {
        ArgumentNullException.ThrowIfNull(image);
        ThrowIfBadSize(width, height);
        var window = Window(image.Width, image.Height, width, height, crop);
        var output = new ImageTensor(image.Batch, height, width, image.Channels);
        for (var b = 0; b < image.Batch; b++)
        {
            ResizeFrame(image.Frame(b), image.Width, image.Channels, window, width, height, method, output.WritableFrame(b));
        }

        return output;
    }

    /// <summary>common_upscale for a mask (one channel).</summary>
    public static MaskTensor Resize(MaskTensor mask, int width, int height, ResizeMethod method, CropMode crop = CropMode.Disabled)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ThrowIfBadSize(width, height);
        var window = Window(mask.Width, mask.Height, width, height, crop);
        var output = new MaskTensor(mask.Batch, height, width);
        for (var b = 0; b < mask.Batch; b++)
        {
            ResizeFrame(mask.Frame(b), mask.Width, 1, window, width, height, method, output.WritableFrame(b));
        }

        return output;
    }

    /// <summary>ImageScale: a zero side keeps the aspect ratio; both zero returns the input itself.</summary>
    public static ImageTensor Scale(ImageTensor image, ResizeMethod method, int width, int height, CropMode crop)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width == 0 && height == 0)
        {
            return image;
        }

        var size = ResizeSizing.ForTarget(image.Width, image.Height, width, height);
        return Resize(image, size.Width, size.Height, method, crop);
    }

    /// <summary>ImageScaleBy.</summary>
    public static ImageTensor ScaleBy(ImageTensor image, ResizeMethod method, double scaleBy)
    {
        ArgumentNullException.ThrowIfNull(image);
        var size = ResizeSizing.ScaleBy(image.Width, image.Height, scaleBy);
        return Resize(image, size.Width, size.Height, method);
    }

    /// <summary>ImageScaleToTotalPixels.</summary>
    public static ImageTensor ScaleToTotalPixels(ImageTensor image, ResizeMethod method, double megapixels, int resolutionSteps = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        var size = ResizeSizing.ToTotalPixels(image.Width, image.Height, megapixels, resolutionSteps);
        return Resize(image, size.Width, size.Height, method);
    }

    /// <summary>Resizes one frame's window into a dense destination frame of height × width × channels.</summary>
    internal static unsafe void ResizeFrame(ReadOnlySpan<float> frame, int frameWidth, int channels, PixelRect window, int width, int height, ResizeMethod method, Span<float> destination)
    {
        var rowStride = frameWidth * channels;
        fixed (float* src = frame)
        fixed (float* dst = destination)
        {
            var origin = src + ((long)window.Y * rowStride) + ((long)window.X * channels);
            if (method == ResizeMethod.Lanczos)
            {
                PillowLanczos.Resample(origin, rowStride, channels, window.Width, window.Height, width, height, dst);
                return;
            }

            var x = ResampleAxis.Create(method, window.Width, width);
            var y = ResampleAxis.Create(method, window.Height, height);
            SeparableResampler.Resample(origin, rowStride, channels, x, y, dst);
        }
    }

    internal static PixelRect Window(int sourceWidth, int sourceHeight, int width, int height, CropMode crop) =>
        crop == CropMode.Center
            ? ResizeSizing.CenterCrop(sourceWidth, sourceHeight, width, height)
            : new PixelRect(0, 0, sourceWidth, sourceHeight);

    private static void ThrowIfBadSize(int width, int height)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Cannot resize to {width}×{height}: both sides must be at least 1 pixel.");
        }
    }
}
