using Microsoft.AspNetCore.Http.Features;

namespace Gantry.Api.Editor;

/// <summary>
/// The request path's segments as the client sent them, still percent-encoded. ASP.NET decodes the path except
/// <c>%2F</c>, so <c>%252F</c> and <c>%2F</c> would read the same; the raw target tells them apart.
/// </summary>
public static class RawPathSegments
{
    /// <summary>The raw segment <paramref name="fromEnd"/> places from the end (1 = the last).</summary>
    public static string FromEnd(HttpContext context, int fromEnd)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            raw = raw[..query];
        }

        var scheme = raw.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            // Absolute form (a proxy's request line): the path starts at the first '/' after the authority.
            var slash = raw.IndexOf('/', scheme + 3);
            raw = slash < 0 ? "/" : raw[slash..];
        }

        var segments = raw.Split('/');
        return fromEnd <= segments.Length ? segments[^fromEnd] : "";
    }
}
