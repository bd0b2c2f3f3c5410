// Over 300 lines on purpose: the row filtering, the parallel deflate bands and the zlib/PNG framing that stitches
// them together share buffer sizes, band offsets and the Adler-32 bookkeeping; apart, they would pass those between
// files. The class stays well under 400 lines.
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
/// Rows are converted and filtered (libpng's adaptive choice, vectorised) in parallel, then deflated in
/// parallel bands: each band is an independent raw deflate run ended by a sync flush, so the bands
/// concatenate into one valid zlib stream (pigz's approach, without the shared dictionary; the size cost
/// is a few hundred bytes per band). The zlib strategy (full LZ77 or run-length only) is picked per image
/// by compressing a sample both ways; the level is the caller's. Files differ byte-wise from Pillow's but
/// decode to the same pixels.
/// </remarks>
public static class PngEncoder
{
    internal static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

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

    internal static int ChunkSize(int dataLength) => 12 + dataLength;

    internal static int WriteChunk(Span<byte> destination, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, data.Length);
        type.CopyTo(destination[4..]);
        data.CopyTo(destination[8..]);
        var crc = new System.IO.Hashing.Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(8 + data.Length)..], crc.GetCurrentHashAsUInt32());
        return ChunkSize(data.Length);
    }

    internal static byte[] Header(int width, int height, int channels)
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

    /// <summary>The zlib stream of one frame's filtered rows (an IDAT's or fdAT's payload), deflated in bands as <see cref="Encode(ImageTensor, int, PngEncodeOptions?)"/> does.</summary>
    internal static byte[] CompressFrame(ReadOnlySpan<float> frame, int width, int height, int channels, int level) =>
        Deflate(frame, width, height, channels, level, Environment.ProcessorCount, MinBandBytes);

    private static unsafe byte[] Deflate(ReadOnlySpan<float> frame, int width, int height, int channels, int level, int maxBands, int minBandBytes)
    {
        var rowBytes = width * channels;
        var stride = rowBytes + 1;
        var raw = (long)stride * height;
        var filtered = ArrayPool<byte>.Shared.Rent(checked((int)raw));
        try
        {
            fixed (float* pixels = frame)
            {
                var address = (nint)pixels;
                ParallelRows.For(height, rowBytes * 8L, (first, last) =>
                    FilterRows(new ReadOnlySpan<float>((float*)address, rowBytes * height), rowBytes, channels, first, last, filtered));
            }

            var strategy = level == 0 ? ZLibCompressionStrategy.Default : ChooseStrategy(filtered, stride, height, level);
            var bands = (int)Math.Clamp(raw / Math.Max(1, minBandBytes), 1, Math.Max(1, Math.Min(maxBands, height)));
            var results = new DeflatedBand[bands];
            Parallel.For(0, bands, band =>
            {
                var first = (int)((long)height * band / bands);
                var last = (int)((long)height * (band + 1) / bands);
                var slice = filtered.AsSpan(first * stride, (last - first) * stride);
                results[band] = DeflateBand(slice, level, strategy, band == bands - 1);
            });

            return ZlibStream(results, level);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(filtered);
        }
    }

    /// <summary>The zlib container around the bands: header, the bands' deflate data, the combined Adler-32.</summary>
    private static byte[] ZlibStream(DeflatedBand[] bands, int level)
    {
        var adler = bands[0].Adler;
        for (var i = 1; i < bands.Length; i++)
        {
            adler = Adler32.Combine(adler, bands[i].Adler, bands[i].RawLength);
        }

        var stream = new byte[2 + bands.Sum(r => r.Length) + 4];
        stream[0] = 0x78;
        stream[1] = ZlibFlags(level);
        var at = 2;
        foreach (var band in bands)
        {
            band.Buffer.AsSpan(0, band.Length).CopyTo(stream.AsSpan(at));
            at += band.Length;
        }

        BinaryPrimitives.WriteUInt32BigEndian(stream.AsSpan(at), adler);
        return stream;
    }

    /// <summary>
    /// Filtered photographs compress best and several times faster with run-length matching only; flat or
    /// patterned images need full LZ77. Both are tried on a few blocks of consecutive rows spread over the
    /// image, and the smaller result decides (ties go to the faster run-length strategy).
    /// </summary>
    private static ZLibCompressionStrategy ChooseStrategy(byte[] filtered, int stride, int height, int level)
    {
        const int Blocks = 4;
        const int RowsPerBlock = 8;
        if (height <= Blocks * RowsPerBlock)
        {
            return SampleSize(filtered.AsSpan(0, stride * height), level, ZLibCompressionStrategy.Default)
                < SampleSize(filtered.AsSpan(0, stride * height), level, ZLibCompressionStrategy.RunLengthEncoding)
                ? ZLibCompressionStrategy.Default
                : ZLibCompressionStrategy.RunLengthEncoding;
        }

        long lz = 0, rle = 0;
        for (var b = 0; b < Blocks; b++)
        {
            var first = (int)((long)(height - RowsPerBlock) * b / (Blocks - 1));
            var block = filtered.AsSpan(first * stride, RowsPerBlock * stride);
            lz += SampleSize(block, level, ZLibCompressionStrategy.Default);
            rle += SampleSize(block, level, ZLibCompressionStrategy.RunLengthEncoding);
        }

        return lz < rle ? ZLibCompressionStrategy.Default : ZLibCompressionStrategy.RunLengthEncoding;
    }

    private static long SampleSize(ReadOnlySpan<byte> data, int level, ZLibCompressionStrategy strategy)
    {
        using var counter = new CountingStream();
        using (var deflate = new DeflateStream(counter, new ZLibCompressionOptions { CompressionLevel = level, CompressionStrategy = strategy }, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return counter.Length;
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

    /// <summary>Converts and filters rows [first, last) into their place (filter byte + row) in <paramref name="filtered"/>.</summary>
    private static void FilterRows(ReadOnlySpan<float> samples, int rowBytes, int channels, int first, int last, byte[] filtered)
    {
        var pool = ArrayPool<byte>.Shared;
        var previous = pool.Rent(rowBytes);
        var current = pool.Rent(rowBytes);
        var scratch = pool.Rent(rowBytes * PngFilters.Count);
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

            for (var row = first; row < last; row++)
            {
                var cur = current.AsSpan(0, rowBytes);
                PixelPacking.FloatsToBytes(samples.Slice(row * rowBytes, rowBytes), cur);
                PngFilters.FilterAdaptive(cur, prior, channels, scratch, filtered.AsSpan(row * (rowBytes + 1), rowBytes + 1));
                (previous, current) = (current, previous);
                prior = previous.AsSpan(0, rowBytes);
            }
        }
        finally
        {
            pool.Return(previous);
            pool.Return(current);
            pool.Return(scratch);
        }
    }

    /// <summary>One band as raw deflate data: ended by a sync flush, or by the final block for the last band.</summary>
    private static DeflatedBand DeflateBand(ReadOnlySpan<byte> data, int level, ZLibCompressionStrategy strategy, bool isLast)
    {
        var adler = Adler32.Compute(data);
        var output = new MemoryStream(Math.Max(1024, data.Length / 2));
        using (var deflate = new DeflateStream(output, new ZLibCompressionOptions { CompressionLevel = level, CompressionStrategy = strategy }, leaveOpen: true))
        {
            deflate.Write(data);
            if (!isLast)
            {
                // A sync flush ends the band on a byte boundary without a final block; what Dispose adds is not used.
                deflate.Flush();
                return new DeflatedBand(output.GetBuffer(), (int)output.Length, adler, data.Length);
            }
        }

        return new DeflatedBand(output.GetBuffer(), (int)output.Length, adler, data.Length);
    }

    private readonly record struct DeflatedBand(byte[] Buffer, int Length, uint Adler, long RawLength);

    /// <summary>A write-only stream that only counts bytes, for sizing trial compressions.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
