using System.Text;

namespace Gantry.Api.Editor;

/// <summary>Why a user-data path was refused: malformed (400), or reaching outside the user's root (403).</summary>
public enum UserDataPathError
{
    None,
    Malformed,
    OutsideRoot,
}

/// <summary>
/// The paths of <c>/api/userdata…</c>: percent-decoded once from the raw URL segment (the editor encodes '/' as
/// <c>%2F</c>), then made canonical: '/'-separated, no empty or '.' segments. Refused: bytes that are not UTF-8,
/// control characters and '\', a leading '/' or a '..' segment (ComfyUI refuses paths that leave the user's folder),
/// a segment over <see cref="MaxSegmentBytes"/> or a path over <see cref="MaxPathBytes"/> UTF-8 bytes or
/// <see cref="MaxDepth"/> segments.
/// </summary>
public static class UserDataPath
{
    public const int MaxSegmentBytes = 255;
    public const int MaxPathBytes = 1024;
    public const int MaxDepth = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A file path from a raw (still percent-encoded) URL segment; null with the reason when refused.</summary>
    public static string? FromRawSegment(string raw, out UserDataPathError error)
    {
        var decoded = PercentDecode(raw);
        if (decoded is null)
        {
            error = UserDataPathError.Malformed;
            return null;
        }

        var path = Normalize(decoded, out error);
        if (path is { Length: 0 })
        {
            error = UserDataPathError.Malformed;
            return null;
        }

        return path;
    }

    /// <summary>
    /// A canonical relative path ("" for the root) from a decoded one, or null with the reason. A folder given with a
    /// trailing '/' (as the Cloud spec writes <c>dir=workflows/</c>) is the same folder.
    /// </summary>
    public static string? Normalize(string path, out UserDataPathError error)
    {
        error = UserDataPathError.None;
        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes || !IsWellFormed(path))
        {
            error = UserDataPathError.Malformed;
            return null;
        }

        if (path.StartsWith('/'))
        {
            error = UserDataPathError.OutsideRoot;
            return null;
        }

        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                error = UserDataPathError.OutsideRoot;
                return null;
            }

            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes || segments.Count == MaxDepth)
            {
                error = UserDataPathError.Malformed;
                return null;
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }

    /// <summary>Percent-decodes once, strictly: null when the bytes are not UTF-8. A '%' not followed by two hex digits stays.</summary>
    public static string? PercentDecode(string raw)
    {
        if (!raw.Contains('%', StringComparison.Ordinal))
        {
            return raw;
        }

        var bytes = new List<byte>(raw.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && Uri.IsHexDigit(raw[i + 1]) && Uri.IsHexDigit(raw[i + 2]))
            {
                bytes.Add((byte)Convert.ToInt32(raw.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }

            if (char.IsSurrogate(raw[i]))
            {
                return null;
            }

            var written = new Rune(raw[i]).EncodeToUtf8(utf8);
            for (var b = 0; b < written; b++)
            {
                bytes.Add(utf8[b]);
            }
        }

        try
        {
            return StrictUtf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsWellFormed(string path)
    {
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (char.IsControl(c) || c == '\\')
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < path.Length && char.IsLowSurrogate(path[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
