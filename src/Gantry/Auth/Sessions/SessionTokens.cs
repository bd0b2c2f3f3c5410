using System.Buffers.Text;
using System.Security.Cryptography;

namespace Gantry.Auth.Sessions;

/// <summary>Session and CSRF tokens: 32 random bytes each; the store keeps only a session token's SHA-256.</summary>
public static class SessionTokens
{
    /// <summary>Every session token starts with this (and never with the API key prefix), so one is easy to recognise.</summary>
    public const string Prefix = "gs_";

    /// <summary>Longest cookie value read; anything longer is no session.</summary>
    public const int MaxLength = 100;

    public static string NewSessionToken() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string NewCsrfToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => ApiKeys.Hash(token);
}
