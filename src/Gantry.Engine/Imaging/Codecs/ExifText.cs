using System.Buffers.Binary;

namespace Gantry.Engine.Imaging.Codecs;

/// <summary>
/// An EXIF block of ASCII tags laid out as Pillow 9.4's <c>Image.Exif.tobytes()</c> writes it: <c>"Exif\0\0"</c>,
/// a big-endian TIFF header, one IFD with the entries in ascending tag order (type 2, count including the NUL,
/// values over 4 bytes stored after the IFD, each padded to an even length), no next IFD.
/// </summary>
public static class ExifText
{
    private static ReadOnlySpan<byte> Preamble => "Exif\0\0"u8;

    /// <summary>The block, with the <c>Exif\0\0</c> preamble; text outside ASCII is written as <c>?</c> (Python's "replace").</summary>
    public static byte[] Build(IEnumerable<(ushort Tag, string Text)> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var entries = tags.OrderBy(t => t.Tag).Select(t => (t.Tag, Data: AsciiValue(t.Text))).ToList();
        var tiff = new MemoryStream();
        tiff.Write("MM\0*\0\0\0\x08"u8);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(word, checked((ushort)entries.Count));
        tiff.Write(word[..2]);
        var offset = 8 + 2 + (entries.Count * 12) + 4;
        Span<byte> entry = stackalloc byte[12];
        foreach (var (tag, data) in entries)
        {
            entry.Clear();
            BinaryPrimitives.WriteUInt16BigEndian(entry, tag);
            BinaryPrimitives.WriteUInt16BigEndian(entry[2..], 2);
            BinaryPrimitives.WriteInt32BigEndian(entry[4..], data.Length);
            if (data.Length <= 4)
            {
                data.CopyTo(entry[8..]);
            }
            else
            {
                BinaryPrimitives.WriteInt32BigEndian(entry[8..], offset);
                offset += (data.Length + 1) / 2 * 2;
            }

            tiff.Write(entry);
        }

        tiff.Write([0, 0, 0, 0]);
        foreach (var (_, data) in entries.Where(e => e.Data.Length > 4))
        {
            tiff.Write(data);
            if ((data.Length & 1) != 0)
            {
                tiff.WriteByte(0);
            }
        }

        return [.. Preamble, .. tiff.ToArray()];
    }

    /// <summary>The block without its <c>Exif\0\0</c> preamble (what a still WebP's EXIF chunk holds).</summary>
    public static ReadOnlySpan<byte> WithoutPreamble(byte[] exif) =>
        exif.AsSpan().StartsWith(Preamble) ? exif.AsSpan(Preamble.Length) : exif;

    /// <summary>Python's <c>text.encode("ascii", "replace") + b"\0"</c>: one <c>?</c> per code point outside ASCII.</summary>
    private static byte[] AsciiValue(string text)
    {
        var bytes = new List<byte>(text.Length + 1);
        foreach (var rune in EnumerateCodePoints(text))
        {
            bytes.Add(rune < 0x80 ? (byte)rune : (byte)'?');
        }

        bytes.Add(0);
        return [.. bytes];
    }

    private static IEnumerable<int> EnumerateCodePoints(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogatePair(text, i))
            {
                yield return char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }
            else
            {
                yield return text[i];
            }
        }
    }
}
