namespace Gantry.Assets;

/// <summary>Which hash a client names content by: the specs' <c>blake3:&lt;hex&gt;</c> or (Cloud's from-hash) <c>sha256:&lt;hex&gt;</c>.</summary>
public enum AssetHashKind
{
    Blake3,
    Sha256,
}

/// <summary>
/// A content hash as the Cloud and v2 specs write it: <c>blake3:</c> or <c>sha256:</c> and 64 lowercase hex digits
/// (the Cloud's pattern <c>^(blake3|sha256):[a-f0-9]{64}$</c>; uppercase is refused, as the pattern does).
/// </summary>
public readonly record struct AssetHash(AssetHashKind Kind, string Hex)
{
    public const string Blake3Prefix = "blake3:";
    public const string Sha256Prefix = "sha256:";

    public override string ToString() => (Kind == AssetHashKind.Blake3 ? Blake3Prefix : Sha256Prefix) + Hex;

    /// <summary>The hash, or null when the text does not follow the pattern.</summary>
    public static AssetHash? TryParse(string? text, bool allowSha256 = true)
    {
        if (text is null)
        {
            return null;
        }

        if (text.StartsWith(Blake3Prefix, StringComparison.Ordinal) && IsHex(text.AsSpan(Blake3Prefix.Length)))
        {
            return new AssetHash(AssetHashKind.Blake3, text[Blake3Prefix.Length..]);
        }

        return allowSha256 && text.StartsWith(Sha256Prefix, StringComparison.Ordinal) && IsHex(text.AsSpan(Sha256Prefix.Length))
            ? new AssetHash(AssetHashKind.Sha256, text[Sha256Prefix.Length..])
            : null;
    }

    /// <summary><c>blake3:&lt;hex&gt;</c> for a BLAKE3 digest in lowercase hex.</summary>
    public static string FormatBlake3(string hex) => Blake3Prefix + hex;

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        if (text.Length != 64)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
