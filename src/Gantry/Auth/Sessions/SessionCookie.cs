namespace Gantry.Auth.Sessions;

/// <summary>The session cookie: HttpOnly, SameSite=Strict, Secure when the request came over HTTPS, for the whole site.</summary>
public static class SessionCookie
{
    public const string Name = "gantry_session";

    public static string? Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Cookies.TryGetValue(Name, out var value) && !string.IsNullOrEmpty(value) ? value : null;
    }

    public static void Write(HttpResponse response, SignedInSession session)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(session);
        response.Cookies.Append(Name, session.Token, Options(response.HttpContext.Request, DateTimeOffset.FromUnixTimeMilliseconds(session.ExpiresAtMs)));
    }

    public static void Clear(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Delete(Name, Options(response.HttpContext.Request, expires: null));
    }

    private static CookieOptions Options(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
