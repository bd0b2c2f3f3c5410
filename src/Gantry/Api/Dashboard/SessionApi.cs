using System.Text.Json;
using Gantry.Auth;
using Gantry.Auth.Sessions;
using Gantry.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Dashboard;

/// <summary>
/// Browser sign-in, shared by the dashboard and the ComfyUI editor: <c>POST</c> exchanges an API key (in the JSON body,
/// never in a URL) for the session cookie; <c>GET</c> says who is signed in and gives the CSRF token; <c>DELETE</c>
/// signs out (and closes the session's event sockets). Every other route accepts the cookie as it accepts a key.
/// </summary>
public static class SessionApi
{
    public const string Path = "/dashboard/api/session";
    private const int MaxBodyBytes = 4096;

    public static void MapSessionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).WithTags("session");
        group.MapPost("", SignInAsync).AllowAnonymous().RequireRateLimiting(SignInRateLimit.PolicyName).WithName("signIn");
        group.MapGet("", Current).WithName("getSession");
        group.MapDelete("", SignOutAsync).AllowAnonymous().WithName("signOut");
    }

    private static async Task<Results<Ok<SessionResponse>, JsonHttpResult<ErrorResponse>>> SignInAsync(
        HttpContext context, SessionAuthenticator sessions, LocalCallerProvider localCaller)
    {
        if (!CsrfGuard.IsSameOrigin(context.Request) && (context.Request.Headers.Origin.Count > 0 || context.Request.Headers.ContainsKey("Sec-Fetch-Site")))
        {
            return ApiResults.Forbidden("Sign in from Gantry's own pages.");
        }

        if (context.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return ApiResults.Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.InvalidRequest, "Send {\"api_key\": \"…\"} as application/json.");
        }

        var body = await RequestBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return ApiResults.TooLarge(MaxBodyBytes);
        }

        SignInRequest? request;
        try
        {
            request = RequestBody.BreaksReaderRule(body) is null ? JsonSerializer.Deserialize(body, DashboardJsonContext.Default.SignInRequest) : null;
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request?.ApiKey is not { Length: > 0 } key)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidRequest, "Send {\"api_key\": \"…\"}: the API key to sign in with.");
        }

        if (localCaller.Caller is { } local)
        {
            return TypedResults.Ok(View(local, session: null, "none"));
        }

        if (await sessions.SignInAsync(key, context.RequestAborted) is not { } signedIn)
        {
            return ApiResults.Error(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Invalid API key.");
        }

        SessionCookie.Write(context.Response, signedIn.Session);
        return TypedResults.Ok(View(signedIn.Caller, signedIn.Session, "session"));
    }

    private static Ok<SessionResponse> Current(HttpContext context, LocalCallerProvider localCaller)
    {
        var session = context.Features.Get<SignedInSession>();
        var auth = localCaller.Caller is not null ? "none" : session is not null ? "session" : "api_key";
        return TypedResults.Ok(View(context.GetCaller(), session, auth));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext context, SessionAuthenticator sessions, RevokedSocketCloser sockets)
    {
        // Authentication and the CSRF check ran before this: a session here was proven to come from our own pages.
        if (context.Features.Get<SignedInSession>() is { } session)
        {
            await sessions.SignOutAsync(session.Token, context.RequestAborted);
            await sockets.CloseRevokedAsync(context.RequestAborted);
        }

        SessionCookie.Clear(context.Response);
        return TypedResults.NoContent();
    }

    private static SessionResponse View(Caller caller, SignedInSession? session, string auth) => new()
    {
        User = new SessionUser(caller.UserId, caller.Name, caller.IsAdmin),
        Auth = auth,
        CsrfToken = session?.CsrfToken,
        ExpiresAt = session?.ExpiresAtMs,
        IdleExpiresAt = session?.IdleExpiresAtMs,
    };
}
