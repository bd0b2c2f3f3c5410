using System.Buffers;
using System.Buffers.Binary;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Codecs;

/// <summary>
/// Writes a batch as an animated PNG the way Pillow 9.4's <c>save_all</c> does for SaveAnimatedPNG: IHDR, acTL
/// (frame count, endless loop), then per frame an fcTL (delay <c>delay/1000</c> s, dispose none, blend source)
/// and its data — the first frame whole in IDAT, later ones in fdAT — then the caller's private chunks, IEND.
/// </summary>
/// <remarks>
/// As Pillow does: a frame whose RGB bytes equal the previous written frame's is dropped (its time is not added
/// to the previous one), and a later frame is written as the bounding box of the RGB bytes that changed, placed
/// over the previous frame. Alpha takes no part in either test, so an alpha-only change is lost, in ComfyUI as here.
/// Samples are clip(255·x) truncated to bytes, as SaveImage's.
/// </remarks>
public static class ApngEncoder
{
    /// <summary>fcTL's delay numerator is 16 bits: a longer frame delay fails (Pillow's struct.error).</summary>
    public const int MaxDelay = ushort.MaxValue;

    /// <summary>The animated PNG of every frame of <paramref name="frames"/>, with <paramref name="trailingChunks"/> (type, data) before IEND.</summary>
    public static byte[] Encode(ImageTensor frames, int compressionLevel, int delay, IReadOnlyList<(string Type, byte[] Data)> trailingChunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(trailingChunks);
        ArgumentOutOfRangeException.ThrowIfNegative(delay);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delay, MaxDelay);
        ArgumentOutOfRangeException.ThrowIfNegative(compressionLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(compressionLevel, 9);
        if (frames.Channels > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), frames.Channels, "PNG frames have 1 to 4 channels.");
        }

        var kept = KeptFrames(frames);
        using var output = new MemoryStream();
        output.Write(PngEncoder.Signature);
        WriteChunk(output, "IHDR", PngEncoder.Header(frames.Width, frames.Height, frames.Channels));
        var control = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(control, kept.Count);
        WriteChunk(output, "acTL", control);
        var sequence = 0;
        for (var i = 0; i < kept.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (index, box) = kept[i];
            WriteChunk(output, "fcTL", FrameControl(sequence++, box, delay));
            var data = Compress(frames, index, box, compressionLevel);
            if (i == 0)
            {
                WriteChunk(output, "IDAT", data);
            }
            else
            {
                var payload = new byte[4 + data.Length];
                BinaryPrimitives.WriteInt32BigEndian(payload, sequence++);
                data.CopyTo(payload, 4);
                WriteChunk(output, "fdAT", payload);
            }
        }

        foreach (var (type, data) in trailingChunks)
        {
            WriteChunk(output, type, data);
        }

        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>The frames Pillow writes: the batch index of each and the box it covers (the whole canvas for the first).</summary>
    internal static List<(int Index, FrameBox Box)> KeptFrames(ImageTensor frames)
    {
        var kept = new List<(int, FrameBox)> { (0, new FrameBox(0, 0, frames.Width, frames.Height)) };
        var length = frames.FrameLength;
        var previous = ArrayPool<byte>.Shared.Rent(length);
        var current = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            PixelPacking.FloatsToBytes(frames.Frame(0), previous.AsSpan(0, length));
            for (var b = 1; b < frames.Batch; b++)
            {
                PixelPacking.FloatsToBytes(frames.Frame(b), current.AsSpan(0, length));
                if (ChangedBox(previous.AsSpan(0, length), current.AsSpan(0, length), frames.Width, frames.Height, frames.Channels) is { } box)
                {
                    kept.Add((b, box));
                    (previous, current) = (current, previous);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(previous);
            ArrayPool<byte>.Shared.Return(current);
        }

        return kept;
    }

    /// <summary>The bounding box of the pixels whose colour bytes (not alpha) differ; null when none do.</summary>
    internal static FrameBox? ChangedBox(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, int width, int height, int channels)
    {
        var colours = channels >= 3 ? 3 : 1;
        int left = width, top = height, right = -1, bottom = -1;
        for (var y = 0; y < height; y++)
        {
            var row = y * width * channels;
            for (var x = 0; x < width; x++)
            {
                var at = row + (x * channels);
                if (!before.Slice(at, colours).SequenceEqual(after.Slice(at, colours)))
                {
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                }
            }
        }

        return right < 0 ? null : new FrameBox(left, top, right - left + 1, bottom - top + 1);
    }

    private static byte[] FrameControl(int sequence, FrameBox box, int delay)
    {
        var data = new byte[26];
        BinaryPrimitives.WriteInt32BigEndian(data, sequence);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), box.Width);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(8), box.Height);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(12), box.X);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(16), box.Y);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(20), (ushort)delay);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(22), 1000);

        // dispose_op 0 (none) and blend_op 0 (source) stay zero.
        return data;
    }

    private static byte[] Compress(ImageTensor frames, int index, FrameBox box, int level)
    {
        var frame = frames.Frame(index);
        var channels = frames.Channels;
        if (box.Width == frames.Width && box.Height == frames.Height)
        {
            return PngEncoder.CompressFrame(frame, box.Width, box.Height, channels, level);
        }

        var rowLength = box.Width * channels;
        var cropped = new float[rowLength * box.Height];
        for (var y = 0; y < box.Height; y++)
        {
            frame.Slice((((box.Y + y) * frames.Width) + box.X) * channels, rowLength).CopyTo(cropped.AsSpan(y * rowLength));
        }

        return PngEncoder.CompressFrame(cropped, box.Width, box.Height, channels, level);
    }

    private static void WriteChunk(MemoryStream output, string type, ReadOnlySpan<byte> data)
    {
        var chunk = new byte[PngEncoder.ChunkSize(data.Length)];
        PngEncoder.WriteChunk(chunk, System.Text.Encoding.ASCII.GetBytes(type), data);
        output.Write(chunk);
    }
}

/// <summary>A frame's rectangle on the canvas, in pixels.</summary>
public readonly record struct FrameBox(int X, int Y, int Width, int Height);
