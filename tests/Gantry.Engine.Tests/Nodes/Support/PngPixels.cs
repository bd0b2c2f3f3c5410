using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Gantry.Engine.TestSupport.Imaging;

namespace Gantry.Engine.Tests.Nodes.Support;

/// <summary>A decoded 8-bit PNG: its size, its channels (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) and its raw samples.</summary>
public sealed record PngImage(int Width, int Height, int Channels, byte[] Samples)
{
    /// <summary>SHA-256 of the raw samples, prefixed with the shape: "WxHxC:hex".</summary>
    public string PixelHash => $"{Width}x{Height}x{Channels}:{Convert.ToHexStringLower(SHA256.HashData(Samples))}";
}

/// <summary>
/// An independent reader for the PNGs the node pack writes (8-bit, not interlaced): joins the IDAT chunks,
/// inflates them and undoes the row filters. It shares no code with the engine's codecs, so hashes of its
/// output check the encoder from outside.
/// </summary>
public static class PngPixels
{
    public static PngImage Decode(byte[] png)
    {
        png.AsSpan(0, 8).SequenceEqual((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).ShouldBeTrue("PNG signature");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                data[8].ShouldBe((byte)8, "bit depth");
                data[12].ShouldBe((byte)0, "interlace");
                channels = data[9] switch { 0 => 1, 4 => 2, 2 => 3, 6 => 4, _ => throw new ShouldAssertException($"colour type {data[9]}") };
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var inflater = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflater.CopyTo(raw);
        return new PngImage(width, height, channels, PngRows.Unfilter(raw.ToArray(), width, height, channels));
    }
}
