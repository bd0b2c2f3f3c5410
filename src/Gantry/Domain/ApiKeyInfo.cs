namespace Gantry.Domain;

/// <summary>
/// An API key as stored: never the key itself, only its SHA-256 hash and a short prefix
/// that lets people tell keys apart in <c>gantry keys list</c>.
/// </summary>
public sealed record ApiKeyInfo
{
    public required long Id { get; init; }

    public required long UserId { get; init; }

    /// <summary>The first characters of the key (e.g. <c>gk_3fA9x</c>), safe to show.</summary>
    public required string Prefix { get; init; }

    public string? Name { get; init; }

    public required long CreatedAtMs { get; init; }

    public long? RevokedAtMs { get; init; }

    public bool IsRevoked => RevokedAtMs is not null;
}
