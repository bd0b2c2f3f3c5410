using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Gantry.Engine.Imaging.Codecs;

/// <summary>One chunk of a PNG file: its type, where its data starts, its data length, and whether its CRC checks.</summary>
public readonly record struct PngChunk(string Type, int DataOffset, int Length, bool CrcValid);

/// <summary>Reads the chunk list and the text chunks (tEXt, zTXt, iTXt) of a PNG file, e.g. ComfyUI's prompt and workflow.</summary>
public static class PngMetadata
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>All chunks up to and including IEND (or the end of the data).</summary>
    public static IReadOnlyList<PngChunk> ReadChunks(ReadOnlySpan<byte> png)
    {
        if (png.Length < Signature.Length || !png[..Signature.Length].SequenceEqual(Signature))
        {
            throw new ImageDecodeException("The data is not a PNG file (bad signature).");
        }

        var chunks = new List<PngChunk>();
        var at = Signature.Length;
        while (at < png.Length)
        {
            if (png.Length - at < 12)
            {
                throw new ImageDecodeException($"The PNG file is truncated inside the chunk header at byte {at}.");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(png[at..]);
            if (length < 0 || length > png.Length - at - 12)
            {
                throw new ImageDecodeException($"The PNG chunk at byte {at} claims {length} bytes, more than the file holds.");
            }

            var type = png.Slice(at + 4, 4);
            var data = png.Slice(at + 8, length);
            var stored = BinaryPrimitives.ReadUInt32BigEndian(png[(at + 8 + length)..]);
            var crc = new System.IO.Hashing.Crc32();
            crc.Append(type);
            crc.Append(data);
            var computed = crc.GetCurrentHashAsUInt32();
            var name = Encoding.ASCII.GetString(type);
            chunks.Add(new PngChunk(name, at + 8, length, stored == computed));
            at += 12 + length;
            if (name == "IEND")
            {
                break;
            }
        }

        return chunks;
    }

    /// <summary>Keyword and text of every text chunk with a valid CRC, in file order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ReadText(ReadOnlySpan<byte> png)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var chunk in ReadChunks(png))
        {
            if (!chunk.CrcValid || chunk.Type is not ("tEXt" or "zTXt" or "iTXt"))
            {
                continue;
            }

            var data = png.Slice(chunk.DataOffset, chunk.Length);
            var nul = data.IndexOf((byte)0);
            if (nul < 1)
            {
                continue;
            }

            var keyword = Encoding.Latin1.GetString(data[..nul]);
            var rest = data[(nul + 1)..];
            var text = chunk.Type switch
            {
                "tEXt" => Encoding.Latin1.GetString(rest),
                "zTXt" => rest.Length > 0 ? Encoding.Latin1.GetString(Inflate(rest[1..])) : string.Empty,
                _ => InternationalText(rest),
            };
            if (text is not null)
            {
                result.Add(new(keyword, text));
            }
        }

        return result;
    }

    private static string? InternationalText(ReadOnlySpan<byte> rest)
    {
        // compression flag, method, language tag NUL, translated keyword NUL, text.
        if (rest.Length < 2)
        {
            return null;
        }

        var compressed = rest[0] == 1;
        var tail = rest[2..];
        var language = tail.IndexOf((byte)0);
        if (language < 0)
        {
            return null;
        }

        tail = tail[(language + 1)..];
        var translated = tail.IndexOf((byte)0);
        if (translated < 0)
        {
            return null;
        }

        tail = tail[(translated + 1)..];
        return Encoding.UTF8.GetString(compressed ? Inflate(tail) : tail);
    }

    private static byte[] Inflate(ReadOnlySpan<byte> zlib)
    {
        try
        {
            using var input = new MemoryStream(zlib.ToArray());
            using var inflater = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            inflater.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new ImageDecodeException("A compressed PNG text chunk is corrupt.", e);
        }
    }
}
