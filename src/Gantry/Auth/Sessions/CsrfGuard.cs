using System.Security.Cryptography;
using System.Text;
using Gantry.Api;
using Microsoft.Extensions.Options;

namespace Gantry.Auth.Sessions;

/// <summary>
/// Cross-site request forgery protection for requests the session cookie authenticates (API-key requests are not
/// touched: a browser never adds a key by itself). Every write (any method but GET, HEAD, OPTIONS, TRACE) and every
/// WebSocket upgrade must prove it comes from Gantry's own pages: the session's token in the <c>X-CSRF-Token</c>
/// header, or (with <see cref="SessionOptions.AcceptSameOriginRequests"/>) the browser's own mark that it is
/// same-origin: <c>Sec-Fetch-Site: same-origin</c>, or, from a browser that sends no fetch metadata, an <c>Origin</c>
/// naming this host. Otherwise 403 <c>{code: "csrf_failed"}</c>, before the endpoint runs.
/// </summary>
public sealed class CsrfGuard(RequestDelegate next, IOptions<SessionOptions> options)
{
    public const string HeaderName = "X-CSRF-Token";
    public const string ErrorCode = "csrf_failed";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<SignedInSession>() is not { } session
            || !(IsWrite(context.Request.Method) || IsUpgrade(context))
            || HasToken(context.Request, session)
            || (options.Value.AcceptSameOriginRequests && IsSameOrigin(context.Request)))
        {
            return next(context);
        }

        return ApiResults.WriteErrorAsync(
            context, StatusCodes.Status403Forbidden, ErrorCode,
            $"A request signed in by the session cookie must send the session's CSRF token as the {HeaderName} header.");
    }

    public static bool IsWrite(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>A WebSocket handshake (HTTP/1.1 upgrade; over HTTP/2 it is a CONNECT, a write here).</summary>
    private static bool IsUpgrade(HttpContext context)
        => context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>()?.IsUpgradableRequest == true;

    private static bool HasToken(HttpRequest request, SignedInSession session)
    {
        var header = request.Headers[HeaderName];
        return header.Count == 1 && header[0] is { Length: > 0 and <= 100 } value
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(session.CsrfToken));
    }

    /// <summary>Whether the browser says this request comes from a page of this same origin.</summary>
    internal static bool IsSameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"];
        if (site.Count > 0)
        {
            return site.Count == 1 && string.Equals(site[0], "same-origin", StringComparison.Ordinal);
        }

        var origin = request.Headers.Origin;
        return origin.Count == 1 && Uri.TryCreate(origin[0], UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
