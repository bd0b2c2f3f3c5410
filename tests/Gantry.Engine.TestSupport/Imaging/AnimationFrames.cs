using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace Gantry.Engine.TestSupport.Imaging;

/// <summary>One shown frame of an animation: the whole canvas after it is drawn (8-bit samples) and its delay in milliseconds.</summary>
public sealed record AnimationFrame(byte[] Samples, double DelayMilliseconds);

/// <summary>The frames of an animation, composed on its canvas, with the canvas size and channel count.</summary>
public sealed record Animation(int Width, int Height, int Channels, IReadOnlyList<AnimationFrame> Frames);

/// <summary>
/// Independent readers of animations, sharing no code with the engine's writers: an APNG reader (acTL, fcTL,
/// IDAT/fdAT, 8-bit non-interlaced, dispose none or background, blend source or over) and Skia's WebP decoder
/// (which composes ANMF frames onto the canvas).
/// </summary>
public static class AnimationFrames
{
    public static Animation DecodeApng(byte[] png)
    {
        int width = 0, height = 0, channels = 0;
        var frames = new List<AnimationFrame>();
        byte[]? canvas = null;
        (int W, int H, int X, int Y, double Delay, int Dispose, int Blend)? control = null;
        MemoryStream? data = null;
        void Finish()
        {
            if (control is not { } c || data is null)
            {
                return;
            }

            var pixels = Inflate(data.ToArray(), c.W, c.H, channels);
            var before = (byte[])canvas!.Clone();
            for (var y = 0; y < c.H; y++)
            {
                for (var x = 0; x < c.W; x++)
                {
                    var source = ((y * c.W) + x) * channels;
                    var target = (((c.Y + y) * width) + c.X + x) * channels;
                    if (c.Blend == 0 || channels % 2 == 1)
                    {
                        Array.Copy(pixels, source, canvas, target, channels);
                    }
                    else
                    {
                        Over(pixels.AsSpan(source, channels), canvas.AsSpan(target, channels));
                    }
                }
            }

            frames.Add(new AnimationFrame((byte[])canvas.Clone(), c.Delay));
            if (c.Dispose == 1)
            {
                for (var y = 0; y < c.H; y++)
                {
                    Array.Clear(canvas, (((c.Y + y) * width) + c.X) * channels, c.W * channels);
                }
            }
            else if (c.Dispose == 2)
            {
                canvas = before;
            }

            data = null;
        }

        for (var at = 8; at + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var chunk = png.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(chunk);
                    height = BinaryPrimitives.ReadInt32BigEndian(chunk[4..]);
                    channels = chunk[9] switch { 0 => 1, 4 => 2, 2 => 3, 6 => 4, _ => throw new InvalidDataException($"colour type {chunk[9]}") };
                    canvas = new byte[width * height * channels];
                    break;
                case "fcTL":
                    Finish();
                    var denominator = BinaryPrimitives.ReadUInt16BigEndian(chunk[22..]);
                    control = (BinaryPrimitives.ReadInt32BigEndian(chunk[4..]), BinaryPrimitives.ReadInt32BigEndian(chunk[8..]),
                        BinaryPrimitives.ReadInt32BigEndian(chunk[12..]), BinaryPrimitives.ReadInt32BigEndian(chunk[16..]),
                        BinaryPrimitives.ReadUInt16BigEndian(chunk[20..]) * 1000.0 / (denominator == 0 ? 100 : denominator), chunk[24], chunk[25]);
                    break;
                case "IDAT" when control is not null:
                    (data ??= new MemoryStream()).Write(chunk);
                    break;
                case "fdAT":
                    (data ??= new MemoryStream()).Write(chunk[4..]);
                    break;
            }

            at += 12 + length;
        }

        Finish();
        return new Animation(width, height, channels, frames);
    }

    /// <summary>Every frame of a WebP (one for a still image) as RGBA, composed by Skia, with its duration.</summary>
    public static Animation DecodeWebp(byte[] webp)
    {
        using var codec = SKCodec.Create(new MemoryStream(webp)) ?? throw new InvalidDataException("not a WebP file");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var frameInfos = codec.FrameInfo;
        var count = Math.Max(1, codec.FrameCount);
        var frames = new List<AnimationFrame>();
        var previous = -1;
        var pixels = new byte[info.BytesSize];
        for (var i = 0; i < count; i++)
        {
            var handle = System.Runtime.InteropServices.GCHandle.Alloc(pixels, System.Runtime.InteropServices.GCHandleType.Pinned);
            try
            {
                var result = codec.GetPixels(info, handle.AddrOfPinnedObject(), new SKCodecOptions(i, previous));
                if (result != SKCodecResult.Success)
                {
                    throw new InvalidDataException($"frame {i}: {result}");
                }
            }
            finally
            {
                handle.Free();
            }

            frames.Add(new AnimationFrame((byte[])pixels.Clone(), frameInfos.Length > i ? frameInfos[i].Duration : 0));
            previous = i;
        }

        return new Animation(info.Width, info.Height, 4, frames);
    }

    private static void Over(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var a = source[^1] / 255.0;
        var b = target[^1] / 255.0;
        var outAlpha = a + (b * (1 - a));
        for (var k = 0; k < source.Length - 1; k++)
        {
            target[k] = outAlpha == 0 ? (byte)0 : (byte)Math.Round(((source[k] * a) + (target[k] * b * (1 - a))) / outAlpha);
        }

        target[^1] = (byte)Math.Round(outAlpha * 255);
    }

    private static byte[] Inflate(byte[] zlib, int width, int height, int channels)
    {
        using var inflater = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflater.CopyTo(raw);
        return PngRows.Unfilter(raw.ToArray(), width, height, channels);
    }
}
