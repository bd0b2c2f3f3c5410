using System.Text.Encodings.Web;
using Gantry.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gantry.Auth.Sessions;

/// <summary>
/// The session-cookie scheme beside the API-key one (<see cref="GantryAuthentication"/> picks between them per request):
/// a valid <see cref="SessionCookie"/> authenticates as its user. Writes it authenticates must also pass
/// <see cref="CsrfGuard"/>. An ended or unknown session gets 401 <c>{code, message}</c> and its cookie is cleared.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionAuthenticator sessions,
    LocalCallerProvider localCaller)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Session";
    private const string EndedItem = "gantry.auth.session-ended";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (localCaller.Caller is { } local)
        {
            return CallerTicket.Success(Context, local, SchemeName);
        }

        if (SessionCookie.Read(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        if (await sessions.AuthenticateAsync(token, Context.RequestAborted) is not { } found)
        {
            Context.Items[EndedItem] = true;
            return AuthenticateResult.Fail("The session has ended.");
        }

        Context.Features.Set(found.Session);
        return CallerTicket.Success(Context, found.Caller, SchemeName);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(EndedItem))
        {
            SessionCookie.Clear(Response);
        }

        return ApiResults.WriteErrorAsync(
            Context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Your session has ended: sign in again, or send an API key as the X-API-Key header.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
        => ApiResults.WriteErrorAsync(Context, StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "This needs an admin.");
}
