using SkiaSharp;

namespace Gantry.Outputs;

/// <summary>
/// Re-encodes a stored image for <c>/view</c>'s <c>channel</c> and <c>preview</c> (<see cref="ViewConversion"/>).
/// The size is read from the header and bounded before any pixel is decoded, and only a few conversions run at once,
/// so a burst of previews of large images cannot take the server's memory.
/// </summary>
public sealed class ImageConverter(long maxPixels) : IDisposable
{
    private readonly SemaphoreSlim _running = new(Math.Max(1, Environment.ProcessorCount));

    /// <summary>The converted image, or why not (the file is no image, or too large).</summary>
    public async Task<(byte[]? Bytes, string? Error)> ConvertAsync(string path, ViewConversion conversion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversion);
        await _running.WaitAsync(cancellationToken);
        try
        {
            return Convert(path, conversion, maxPixels);
        }
        finally
        {
            _running.Release();
        }
    }

    public void Dispose() => _running.Dispose();

    public static (byte[]? Bytes, string? Error) Convert(string path, ViewConversion conversion, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(conversion);
        using var stream = File.OpenRead(path);
        using var codec = SKCodec.Create(stream);
        if (codec is null)
        {
            return (null, "channel and preview apply to images only; this file is not an image Gantry can read.");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if ((long)width * height > maxPixels)
        {
            return (null, $"The image has {(long)width * height} pixels ({width}x{height}); channel and preview convert at most {maxPixels}.");
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            return (null, $"The image could not be decoded ({result}).");
        }

        var pixels = bitmap.GetPixelSpan();
        switch (conversion.Channels)
        {
            case ViewChannels.Rgb:
                for (var i = 3; i < pixels.Length; i += 4)
                {
                    pixels[i] = 255;
                }

                break;
            case ViewChannels.Alpha:
                for (var i = 0; i < pixels.Length; i += 4)
                {
                    pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
                }

                break;
        }

        var opaque = conversion.Channels == ViewChannels.Rgb;
        using var pixmap = new SKPixmap(info.WithAlphaType(opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul), bitmap.GetPixels());
        using var data = conversion.Format switch
        {
            ViewFormat.Webp => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, conversion.Quality)),
            ViewFormat.Jpeg => pixmap.Encode(new SKJpegEncoderOptions(conversion.Quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
            _ => pixmap.Encode(SKPngEncoderOptions.Default),
        };
        return data is null ? (null, "The image could not be encoded.") : (data.ToArray(), null);
    }
}
