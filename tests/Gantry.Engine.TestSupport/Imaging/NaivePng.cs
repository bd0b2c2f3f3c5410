using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Gantry.Engine.TestSupport.Imaging;

public static class NaivePng
{
    /// <summary>
    /// A straightforward PNG writer: scalar conversion, scalar adaptive filtering (all five filters per row,
    /// least sum of |signed byte|), one zlib stream on one thread, bit-by-bit CRC.
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<float> frame, int width, int height, int channels, int level, IReadOnlyList<KeyValuePair<string, string>> text)
    {
        var rowBytes = width * channels;
        var raw = new byte[rowBytes * height];
        NaiveImaging.FloatsToBytes(frame[..raw.Length], raw);
        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
        {
            var previous = new byte[rowBytes];
            var candidate = new byte[rowBytes];
            var best = new byte[rowBytes + 1];
            for (var y = 0; y < height; y++)
            {
                var row = raw.AsSpan(y * rowBytes, rowBytes);
                var bestScore = long.MaxValue;
                for (var type = 0; type < 5; type++)
                {
                    long score = 0;
                    for (var i = 0; i < rowBytes; i++)
                    {
                        int a = i >= channels ? row[i - channels] : 0;
                        int b = previous[i];
                        int c = i >= channels ? previous[i - channels] : 0;
                        var predictor = type switch
                        {
                            0 => 0,
                            1 => a,
                            2 => b,
                            3 => (a + b) / 2,
                            _ => PaethScalar(a, b, c),
                        };
                        candidate[i] = (byte)(row[i] - predictor);
                        score += Math.Abs((int)(sbyte)candidate[i]);
                    }

                    if (score < bestScore)
                    {
                        bestScore = score;
                        best[0] = (byte)type;
                        candidate.CopyTo(best, 1);
                    }
                }

                zlib.Write(best);
                row.CopyTo(previous);
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 };
        WriteChunk(png, "IHDR", header);
        foreach (var (key, value) in text)
        {
            WriteChunk(png, "tEXt", [.. Encoding.Latin1.GetBytes(key), 0, .. Encoding.Latin1.GetBytes(value)]);
        }

        WriteChunk(png, "IDAT", idat.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static int PaethScalar(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, BitwiseCrc([.. typeBytes, .. data]));
        png.Write(word);
    }

    private static uint BitwiseCrc(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return crc ^ 0xFFFFFFFFu;
    }
}
