namespace Gantry.Auth.Sessions;

/// <summary>
/// The default scheme: forwards each request to the API-key scheme when it carries a key (header or <c>?token=</c>),
/// else to the session scheme when it carries the session cookie, else to the API-key scheme (whose 401 says how to
/// send a key). A key always wins over a cookie, so API clients are never subject to the CSRF check.
/// </summary>
public static class GantryAuthentication
{
    public const string SchemeName = "Gantry";

    public static string SelectScheme(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ApiKeyAuthenticationHandler.ReadKey(context.Request) is null && SessionCookie.Read(context.Request) is not null
            ? SessionAuthenticationHandler.SchemeName
            : ApiKeyAuthenticationHandler.SchemeName;
    }
}
