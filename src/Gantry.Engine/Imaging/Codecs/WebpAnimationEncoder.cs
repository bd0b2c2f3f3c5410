using System.Buffers.Binary;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Codecs;

/// <summary>
/// Writes a batch as a WebP file for SaveAnimatedWEBP: several frames as an animation (RIFF, VP8X, ANIM, one ANMF
/// per frame, EXIF), a single frame — or frames that are all equal — as a still image (RIFF, VP8X, the bitstream,
/// EXIF), as Pillow 9.4 with libwebp 1.2 does.
/// </summary>
/// <remarks>
/// Each frame's bitstream (VP8L when lossless, VP8 with an ALPH chunk for alpha when lossy) is Skia's libwebp
/// encoding of the whole frame; the container is written here. Unlike libwebp's animation encoder, which Pillow
/// uses, frames are not cropped to the changed rectangle: every frame covers the canvas, without blending. Equal
/// consecutive frames are merged into one shown for their summed time, as libwebp does. The loop count is 0
/// (endless) and the background transparent black.
/// </remarks>
public static class WebpAnimationEncoder
{
    /// <summary>ANMF's duration is 24 bits.</summary>
    public const int MaxFrameDuration = 0xFFFFFF;

    /// <summary>The WebP file of every frame of <paramref name="frames"/>, each shown <paramref name="duration"/> ms, with the EXIF block.</summary>
    public static byte[] Encode(ImageTensor frames, int duration, bool lossless, int quality, ReadOnlySpan<byte> exif, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfNegative(duration);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, MaxFrameDuration);
        var output = new MemoryStream();
        output.Write("RIFF\0\0\0\0WEBP"u8);
        var shown = frames.Batch == 1 ? [(0, duration)] : Timeline(frames, duration);
        if (shown.Count == 1)
        {
            // libwebp assembles an animation of one frame (one image, or all frames equal) as a still image.
            var bitstream = FrameChunks(frames, 0, lossless, quality);
            WriteChunk(output, "VP8X", Features(frames, animated: false, HasAlpha(bitstream), exif.Length > 0));
            output.Write(bitstream);
        }
        else
        {
            var chunks = shown.Select(f =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                return FrameChunks(frames, f.Index, lossless, quality);
            }).ToList();
            WriteChunk(output, "VP8X", Features(frames, animated: true, chunks.Any(HasAlpha), exif.Length > 0));
            WriteChunk(output, "ANIM", new byte[6]);
            for (var i = 0; i < shown.Count; i++)
            {
                WriteChunk(output, "ANMF", Frame(frames, shown[i].Duration, chunks[i]));
            }
        }

        if (exif.Length > 0)
        {
            WriteChunk(output, "EXIF", exif);
        }

        var file = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), checked((uint)(file.Length - 8)));
        return file;
    }

    /// <summary>The frames shown: each batch index that differs from the one before, and how long it stays.</summary>
    internal static List<(int Index, int Duration)> Timeline(ImageTensor frames, int duration)
    {
        var shown = new List<(int Index, int Duration)> { (0, duration) };
        var previous = new byte[frames.FrameLength];
        var current = new byte[frames.FrameLength];
        PixelPacking.FloatsToBytes(frames.Frame(0), previous);
        for (var b = 1; b < frames.Batch; b++)
        {
            PixelPacking.FloatsToBytes(frames.Frame(b), current);
            var last = shown[^1];
            if (current.AsSpan().SequenceEqual(previous) && (long)last.Duration + duration <= MaxFrameDuration)
            {
                shown[^1] = (last.Index, last.Duration + duration);
                continue;
            }

            shown.Add((b, duration));
            (previous, current) = (current, previous);
        }

        return shown;
    }

    /// <summary>The bitstream chunks (ALPH, VP8, VP8L) of Skia's WebP encoding of one frame, headers and padding included.</summary>
    private static byte[] FrameChunks(ImageTensor frames, int index, bool lossless, int quality)
    {
        var file = PreviewEncoder.EncodeWebp(frames, index, quality, lossless);
        var kept = new MemoryStream();
        for (var at = 12; at + 8 <= file.Length;)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4));
            var total = 8 + (int)size + (int)(size & 1);
            var type = System.Text.Encoding.ASCII.GetString(file, at, 4);
            if (type is "ALPH" or "VP8 " or "VP8L")
            {
                kept.Write(file, at, Math.Min(total, file.Length - at));
            }

            at += total;
        }

        return kept.Length > 0 ? kept.ToArray() : throw new InvalidOperationException("Skia's WebP encoding has no bitstream chunk.");
    }

    /// <summary>Whether a frame's bitstream carries alpha: an ALPH chunk, or VP8L's alpha_is_used bit.</summary>
    private static bool HasAlpha(byte[] bitstream)
    {
        var type = System.Text.Encoding.ASCII.GetString(bitstream, 0, 4);
        return type == "ALPH" || (type == "VP8L" && bitstream.Length > 12 && (bitstream[12] & 0x10) != 0);
    }

    private static byte[] Features(ImageTensor frames, bool animated, bool alpha, bool exif)
    {
        var data = new byte[10];
        data[0] = (byte)((alpha ? 0x10 : 0) | (exif ? 0x08 : 0) | (animated ? 0x02 : 0));
        WriteUInt24(data.AsSpan(4), frames.Width - 1);
        WriteUInt24(data.AsSpan(7), frames.Height - 1);
        return data;
    }

    private static byte[] Frame(ImageTensor frames, int duration, byte[] bitstream)
    {
        var data = new byte[16 + bitstream.Length];
        WriteUInt24(data.AsSpan(6), frames.Width - 1);
        WriteUInt24(data.AsSpan(9), frames.Height - 1);
        WriteUInt24(data.AsSpan(12), duration);
        data[15] = 0x02; // no blending: each frame replaces the canvas; dispose none
        bitstream.CopyTo(data, 16);
        return data;
    }

    private static void WriteUInt24(Span<byte> destination, int value)
    {
        destination[0] = (byte)value;
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)(value >> 16);
    }

    private static void WriteChunk(MemoryStream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        System.Text.Encoding.ASCII.GetBytes(type, header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], checked((uint)data.Length));
        output.Write(header);
        output.Write(data);
        if ((data.Length & 1) != 0)
        {
            output.WriteByte(0);
        }
    }
}
