using System.Text.Encodings.Web;
using Gantry.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gantry.Auth;

/// <summary>
/// The one authentication scheme of Gantry. A key may come as <c>X-API-Key</c> (Cloud clients),
/// <c>Authorization: Bearer</c> (v2 clients, MCP) or <c>?token=</c> (WebSockets and browsers, where no header can be set).
/// A missing or wrong key gets 401 <c>{code, message}</c>.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyAuthenticator authenticator,
    LocalCallerProvider localCaller)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string FailureItem = "gantry.auth.failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (localCaller.Caller is { } local)
        {
            return Success(local);
        }

        var key = ReadKey(Request);
        if (key is null)
        {
            Context.Items[FailureItem] = "Missing API key: send it as the X-API-Key header.";
            return AuthenticateResult.NoResult();
        }

        var caller = await authenticator.AuthenticateAsync(key, Context.RequestAborted);
        if (caller is null)
        {
            Context.Items[FailureItem] = "Invalid API key.";
            return AuthenticateResult.Fail("Invalid API key.");
        }

        return Success(caller);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var message = Context.Items[FailureItem] as string ?? "Authentication required.";
        return ApiResults.WriteErrorAsync(Context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
        => ApiResults.WriteErrorAsync(Context, StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "This needs an admin API key.");

    private AuthenticateResult Success(Caller caller) => CallerTicket.Success(Context, caller, SchemeName);

    internal static string? ReadKey(HttpRequest request)
    {
        var header = request.Headers["X-API-Key"];
        if (header.Count > 0 && !string.IsNullOrWhiteSpace(header[0]))
        {
            return header[0]!.Trim();
        }

        var authorization = request.Headers.Authorization;
        if (authorization.Count > 0 && authorization[0] is { } value
            && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return value["Bearer ".Length..].Trim();
        }

        var token = request.Query["token"];
        return token.Count > 0 && !string.IsNullOrWhiteSpace(token[0]) ? token[0] : null;
    }
}

public static class GantryRoles
{
    public const string Admin = "admin";
}

public static class CallerHttpContextExtensions
{
    /// <summary>The authenticated caller; endpoints behind the fallback policy always have one.</summary>
    public static Caller GetCaller(this HttpContext context)
        => context.Features.Get<Caller>() ?? throw new InvalidOperationException("The request is not authenticated.");
}
