using Gantry.Domain;

namespace Gantry.Auth;

/// <summary>The authenticated user behind a request: who owns what it creates and what it may see.</summary>
public sealed record Caller(User User)
{
    public long UserId => User.Id;

    public string Name => User.Name;

    public bool IsAdmin => User.IsAdmin;

    /// <summary>The API key the request came with; null for the no-auth local caller.</summary>
    public long? KeyId { get; init; }
}
