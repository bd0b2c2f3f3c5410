namespace Gantry.Auth;

/// <summary>The authenticated user behind a request: who owns what it creates and what it may see.</summary>
public sealed record Caller(User User)
{
    public long UserId => User.Id;

    public string Name => User.Name;

    public bool IsAdmin => User.IsAdmin;
}
