using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Codecs;

/// <summary>
/// Writes one frame as an 8-bit PNG (grey, grey+alpha, RGB or RGBA by channel count) the way SaveImage
/// produces it: samples are clip(255·x) truncated to bytes, text chunks follow IHDR.
/// </summary>
/// <remarks>
/// Rows are converted and filtered (adaptive, vectorised) and deflated in parallel bands: each band is an
/// independent raw deflate run ended by a sync flush, so the bands concatenate into one valid zlib stream
/// (pigz's approach, without the shared dictionary; the size cost is a few hundred bytes per band).
/// </remarks>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Rows below this many raw bytes are not worth a second deflate band.</summary>
    private const int MinBandBytes = 256 * 1024;

    public static byte[] Encode(ImageTensor image, int frameIndex = 0, PngEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Encode(image.Frame(frameIndex), image.Width, image.Height, image.Channels, options);
    }

    public static byte[] Encode(ReadOnlySpan<float> frame, int width, int height, int channels, PngEncodeOptions? options = null) =>
        Encode(frame, width, height, channels, options, Environment.ProcessorCount, MinBandBytes);

    /// <summary>As the public overload, with the band split exposed so tests can force many bands.</summary>
    internal static byte[] Encode(ReadOnlySpan<float> frame, int width, int height, int channels, PngEncodeOptions? options, int maxBands, int minBandBytes)
    {
        options ??= new PngEncodeOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (channels is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "PNG frames have 1 to 4 channels.");
        }

        if (options.CompressionLevel is < 0 or > 9)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.CompressionLevel, "The compression level is 0 to 9.");
        }

        if (frame.Length < (long)width * height * channels)
        {
            throw new ArgumentException("The frame is smaller than width × height × channels.", nameof(frame));
        }

        var text = options.TextChunks.Select(EncodeText).ToList();
        var idat = Deflate(frame, width, height, channels, options.CompressionLevel, maxBands, minBandBytes);
        var size = Signature.Length + ChunkSize(13) + text.Sum(t => ChunkSize(t.Data.Length)) + ChunkSize(idat.Length) + ChunkSize(0);
        var png = new byte[size];
        var at = 0;
        Signature.CopyTo(png, 0);
        at += Signature.Length;
        at += WriteChunk(png.AsSpan(at), "IHDR"u8, Header(width, height, channels));
        foreach (var (type, data) in text)
        {
            at += WriteChunk(png.AsSpan(at), type, data);
        }

        at += WriteChunk(png.AsSpan(at), "IDAT"u8, idat);
        WriteChunk(png.AsSpan(at), "IEND"u8, []);
        return png;
    }

    private static int ChunkSize(int dataLength) => 12 + dataLength;

    private static int WriteChunk(Span<byte> destination, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, data.Length);
        type.CopyTo(destination[4..]);
        data.CopyTo(destination[8..]);
        var crc = Crc32.Finish(Crc32.Append(Crc32.Append(Crc32.Start, type), data));
        BinaryPrimitives.WriteUInt32BigEndian(destination[(8 + data.Length)..], crc);
        return ChunkSize(data.Length);
    }

    private static byte[] Header(int width, int height, int channels)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = channels switch
        {
            1 => 0,
            2 => 4,
            3 => 2,
            _ => 6,
        };
        return header;
    }

    private static (byte[] Type, byte[] Data) EncodeText(KeyValuePair<string, string> entry)
    {
        var (key, value) = entry;
        if (string.IsNullOrEmpty(key) || key.Length > 79 || key.Contains('\0', StringComparison.Ordinal) || !IsLatin1(key))
        {
            throw new ArgumentException($"'{key}' is not a valid PNG text keyword (1–79 Latin-1 characters, no NUL).", nameof(entry));
        }

        var keyword = Encoding.Latin1.GetBytes(key);
        if (IsLatin1(value))
        {
            return ("tEXt"u8.ToArray(), [.. keyword, 0, .. Encoding.Latin1.GetBytes(value)]);
        }

        // iTXt: keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty translated keyword, NUL, UTF-8 text.
        return ("iTXt"u8.ToArray(), [.. keyword, 0, 0, 0, 0, 0, .. Encoding.UTF8.GetBytes(value)]);
    }

    private static bool IsLatin1(string value)
    {
        foreach (var ch in value)
        {
            if (ch > '\u00FF')
            {
                return false;
            }
        }

        return true;
    }

    private static unsafe byte[] Deflate(ReadOnlySpan<float> frame, int width, int height, int channels, int level, int maxBands, int minBandBytes)
    {
        var rowBytes = width * channels;
        var raw = (long)(rowBytes + 1) * height;
        var bands = (int)Math.Clamp(raw / Math.Max(1, minBandBytes), 1, Math.Max(1, Math.Min(maxBands, height)));
        var results = new DeflatedBand[bands];
        fixed (float* pixels = frame)
        {
            var address = (nint)pixels;
            Parallel.For(0, bands, band =>
            {
                var first = (int)((long)height * band / bands);
                var last = (int)((long)height * (band + 1) / bands);
                var samples = new ReadOnlySpan<float>((float*)address, rowBytes * height);
                results[band] = DeflateBand(samples, rowBytes, channels, first, last, level, band == bands - 1);
            });
        }

        var adler = results[0].Adler;
        for (var i = 1; i < bands; i++)
        {
            adler = Adler32.Combine(adler, results[i].Adler, results[i].RawLength);
        }

        var total = 2 + results.Sum(r => r.Length) + 4;
        var stream = new byte[total];
        stream[0] = 0x78;
        stream[1] = ZlibFlags(level);
        var at = 2;
        foreach (var band in results)
        {
            band.Buffer.AsSpan(0, band.Length).CopyTo(stream.AsSpan(at));
            at += band.Length;
        }

        BinaryPrimitives.WriteUInt32BigEndian(stream.AsSpan(at), adler);
        return stream;
    }

    /// <summary>FLG with FLEVEL for the level and FCHECK making CMF·256 + FLG a multiple of 31.</summary>
    private static byte ZlibFlags(int level)
    {
        var flevel = level switch
        {
            < 2 => 0,
            < 6 => 1,
            6 => 2,
            _ => 3,
        };
        var flags = flevel << 6;
        flags += 31 - (((0x78 << 8) + flags) % 31);
        return (byte)flags;
    }

    private static DeflatedBand DeflateBand(ReadOnlySpan<float> samples, int rowBytes, int channels, int first, int last, int level, bool isLast)
    {
        const int BatchBytes = 64 * 1024;
        var rowsPerBatch = Math.Max(1, BatchBytes / (rowBytes + 1));
        var pool = ArrayPool<byte>.Shared;
        var previous = pool.Rent(rowBytes);
        var current = pool.Rent(rowBytes);
        var scratch = pool.Rent(rowBytes * PngFilters.Count);
        var batch = pool.Rent(rowsPerBatch * (rowBytes + 1));
        try
        {
            var prior = previous.AsSpan(0, rowBytes);
            if (first == 0)
            {
                prior.Clear();
            }
            else
            {
                PixelPacking.FloatsToBytes(samples.Slice((first - 1) * rowBytes, rowBytes), prior);
            }

            var output = new MemoryStream(Math.Max(1024, (last - first) * rowBytes / 3));
            var adler = 1u;
            long rawLength = 0;
            using (var deflate = new DeflateStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
            {
                var filled = 0;
                for (var row = first; row < last; row++)
                {
                    var cur = current.AsSpan(0, rowBytes);
                    PixelPacking.FloatsToBytes(samples.Slice(row * rowBytes, rowBytes), cur);
                    PngFilters.FilterAdaptive(cur, prior, channels, scratch, batch.AsSpan(filled, rowBytes + 1));
                    filled += rowBytes + 1;
                    (previous, current) = (current, previous);
                    prior = previous.AsSpan(0, rowBytes);
                    if (filled + rowBytes + 1 > batch.Length || row == last - 1)
                    {
                        var chunk = batch.AsSpan(0, filled);
                        adler = Adler32.Combine(adler, Adler32.Compute(chunk), chunk.Length);
                        rawLength += chunk.Length;
                        deflate.Write(chunk);
                        filled = 0;
                    }
                }

                if (!isLast)
                {
                    // A sync flush ends the band on a byte boundary without a final block.
                    deflate.Flush();
                    var length = (int)output.Length;
                    return new DeflatedBand(output.GetBuffer(), length, adler, rawLength);
                }
            }

            return new DeflatedBand(output.GetBuffer(), (int)output.Length, adler, rawLength);
        }
        finally
        {
            pool.Return(previous);
            pool.Return(current);
            pool.Return(scratch);
            pool.Return(batch);
        }
    }

    private readonly record struct DeflatedBand(byte[] Buffer, int Length, uint Adler, long RawLength);
}
