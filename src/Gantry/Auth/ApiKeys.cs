using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Gantry.Auth;

/// <summary>How API keys look and how they are hashed. A key is shown once, when created; Gantry keeps only its hash.</summary>
public static class ApiKeys
{
    /// <summary>Every Gantry key starts with this, so a leaked key is easy to recognise.</summary>
    public const string KeyPrefix = "gk_";

    /// <summary>Characters of a key kept in clear to tell keys apart (<c>gk_</c> plus eight).</summary>
    public const int DisplayPrefixLength = 11;

    /// <summary>A new key: the prefix and 32 random bytes, base64url.</summary>
    public static string Generate() => KeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of the key's UTF-8 bytes. Keys are random and long, so a fast hash is the right one.</summary>
    public static byte[] Hash(ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = stackalloc byte[256];
        var byteCount = Encoding.UTF8.GetByteCount(key);
        var buffer = byteCount <= utf8.Length ? utf8[..byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(key, buffer);
        return SHA256.HashData(buffer);
    }

    /// <summary>The part of a key safe to print.</summary>
    public static string DisplayPrefix(string key) => key.Length <= DisplayPrefixLength ? key : key[..DisplayPrefixLength];
}
