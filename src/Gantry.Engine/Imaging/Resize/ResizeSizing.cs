namespace Gantry.Engine.Imaging.Resize;

/// <summary>A width and height in pixels.</summary>
public readonly record struct ImageSize(int Width, int Height);

/// <summary>
/// The target-size rules of ImageScale, ImageScaleBy and ImageScaleToTotalPixels.
/// Python's <c>round</c> rounds halves to even; so does <see cref="Math.Round(double)"/>.
/// </summary>
public static class ResizeSizing
{
    /// <summary>
    /// ImageScale: a zero width or height keeps the aspect ratio (at least 1 pixel);
    /// both zero means "keep the source size".
    /// </summary>
    public static ImageSize ForTarget(int sourceWidth, int sourceHeight, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (width == 0 && height == 0)
        {
            return new ImageSize(sourceWidth, sourceHeight);
        }

        if (width == 0)
        {
            width = Math.Max(1, (int)Math.Round(sourceWidth * (double)height / sourceHeight));
        }
        else if (height == 0)
        {
            height = Math.Max(1, (int)Math.Round(sourceHeight * (double)width / sourceWidth));
        }

        return new ImageSize(width, height);
    }

    /// <summary>ImageScaleBy: round(side · scale) per side. Never below one pixel (ComfyUI would fail in torch).</summary>
    public static ImageSize ScaleBy(int sourceWidth, int sourceHeight, double scaleBy)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scaleBy);
        return new ImageSize(
            Math.Max(1, (int)Math.Round(sourceWidth * scaleBy)),
            Math.Max(1, (int)Math.Round(sourceHeight * scaleBy)));
    }

    /// <summary>
    /// ImageScaleToTotalPixels: scale = √(megapixels · 1024² / (w · h)); each side is
    /// round(side · scale / steps) · steps. A side that would round to zero gets one step
    /// (ComfyUI would fail in torch).
    /// </summary>
    public static ImageSize ToTotalPixels(int sourceWidth, int sourceHeight, double megapixels, int resolutionSteps = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(megapixels);
        ArgumentOutOfRangeException.ThrowIfLessThan(resolutionSteps, 1);
        var total = megapixels * 1024 * 1024;
        var scale = Math.Sqrt(total / ((double)sourceWidth * sourceHeight));
        var width = (int)Math.Round(sourceWidth * scale / resolutionSteps) * resolutionSteps;
        var height = (int)Math.Round(sourceHeight * scale / resolutionSteps) * resolutionSteps;
        return new ImageSize(Math.Max(resolutionSteps, width), Math.Max(resolutionSteps, height));
    }

    /// <summary>
    /// The source window that <see cref="CropMode.Center"/> keeps: ComfyUI's common_upscale trims
    /// round((old − old · ratio) / 2) from both ends of the longer axis.
    /// </summary>
    public static PixelRect CenterCrop(int sourceWidth, int sourceHeight, int width, int height)
    {
        var oldAspect = sourceWidth / (double)sourceHeight;
        var newAspect = width / (double)height;
        var x = 0;
        var y = 0;
        if (oldAspect > newAspect)
        {
            x = (int)Math.Round((sourceWidth - (sourceWidth * (newAspect / oldAspect))) / 2);
        }
        else if (oldAspect < newAspect)
        {
            y = (int)Math.Round((sourceHeight - (sourceHeight * (oldAspect / newAspect))) / 2);
        }

        return new PixelRect(x, y, Math.Max(1, sourceWidth - (2 * x)), Math.Max(1, sourceHeight - (2 * y)));
    }
}

/// <summary>A rectangle of whole pixels: left, top, width, height.</summary>
public readonly record struct PixelRect(int X, int Y, int Width, int Height);
