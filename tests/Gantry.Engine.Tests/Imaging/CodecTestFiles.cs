using System.Buffers.Binary;

namespace Gantry.Engine.Tests.Imaging;

/// <summary>Builds image files with particular metadata for the codec tests.</summary>
internal static class CodecTestFiles
{
    /// <summary>A 4×4 two-frame GIF made by Pillow: frame 1 red, frame 2 blue.</summary>
    public static byte[] TwoFrameGif { get; } = Convert.FromBase64String(
        "R0lGODlhBAAEAIEAAP8AAAAAAAAAAAAAACH/C05FVFNDQVBFMi4wAwEAAAAh+QQABQAAACwAAAAABAAEAAAICQABCBxIsCCAgAAh+QQABQAAACwAAAAABAAEAIEAAP8AAAAAAAAAAAAICQABCBxIsCCAgAA7");

    /// <summary>A big-endian TIFF block with one IFD entry: Orientation = <paramref name="orientation"/>.</summary>
    public static byte[] ExifOrientation(int orientation)
    {
        var tiff = new byte[26];
        "MM"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(12), 3);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(18), (ushort)orientation);
        return tiff;
    }

    /// <summary>Inserts a chunk right after IHDR.</summary>
    public static byte[] WithChunkAfterHeader(byte[] png, string type, byte[] data)
    {
        var insertAt = 8 + 12 + 13;
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), System.IO.Hashing.Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
        return [.. png.AsSpan(0, insertAt), .. chunk, .. png.AsSpan(insertAt)];
    }

    /// <summary>Inserts an APP1 Exif segment right after the JPEG start-of-image marker.</summary>
    public static byte[] JpegWithExif(byte[] jpeg, int orientation)
    {
        var tiff = ExifOrientation(orientation);
        var segment = new byte[2 + 2 + 6 + tiff.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(segment.Length - 2));
        "Exif\0\0"u8.CopyTo(segment.AsSpan(4));
        tiff.CopyTo(segment, 10);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>A PNG that claims the given size but holds only a few bytes of pixel data.</summary>
    public static byte[] PngClaimingSize(int width, int height)
    {
        var idat = new byte[12 + 8];
        BinaryPrimitives.WriteInt32BigEndian(idat, 8);
        "IDAT"u8.CopyTo(idat.AsSpan(4));
        byte[] zlib = [0x78, 0x01, 0x62, 0x60, 0x00, 0x00, 0x00, 0x00];
        zlib.CopyTo(idat, 8);
        BinaryPrimitives.WriteUInt32BigEndian(idat.AsSpan(16), System.IO.Hashing.Crc32.HashToUInt32(idat.AsSpan(4, 12)));
        return [.. PngHeaderOnly(width, height), .. idat];
    }

    /// <summary>A PNG header (signature and IHDR) claiming the given size, with no pixel data.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        var chunk = new byte[25];
        BinaryPrimitives.WriteInt32BigEndian(chunk, 13);
        "IHDR"u8.CopyTo(chunk.AsSpan(4));
        ihdr.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(21), System.IO.Hashing.Crc32.HashToUInt32(chunk.AsSpan(4, 17)));
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. chunk];
    }
}
