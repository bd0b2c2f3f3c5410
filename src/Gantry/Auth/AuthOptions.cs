namespace Gantry.Auth;

/// <summary>Who may call the API: the <c>Gantry:Auth</c> section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Gantry:Auth";

    /// <summary>
    /// When false (<c>--no-auth</c>) every request acts as the admin user, as a local single-user
    /// ComfyUI does. Only for machines where everyone who can reach the port may use it.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a verified key is trusted before the store is asked again (revocation takes effect within it); zero or more.</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
