namespace Gantry.Auth;

/// <summary>
/// With authentication off (<c>--no-auth</c>) every request acts as this caller, the admin user,
/// so Gantry behaves like a single-user local ComfyUI. Null while authentication is on.
/// </summary>
public sealed class LocalCallerProvider
{
    public Caller? Caller { get; set; }
}
