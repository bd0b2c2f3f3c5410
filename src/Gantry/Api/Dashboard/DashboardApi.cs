namespace Gantry.Api.Dashboard;

/// <summary>
/// Serves the dashboard at <c>/dashboard/</c> (static files embedded in the assembly; the pages sign in through
/// <see cref="SessionApi"/> and then use Gantry's public API like any client).
/// </summary>
public static class DashboardApi
{
    public const string Path = "/dashboard/";

    /// <summary>
    /// The content security policy of the dashboard's pages: only Gantry's own origin for scripts, styles, images,
    /// requests and sockets; no inline script; no framing.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        // What "/" serves (the editor, or a redirect here) is decided in one place: Hosting/Frontend/RootPage.
        app.MapMethods("/dashboard/{**path}", [HttpMethods.Get, HttpMethods.Head], Serve).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext context, DashboardAssets assets, string? path)
    {
        if (string.IsNullOrEmpty(path) && context.Request.Path.Value?.EndsWith('/') != true)
        {
            // "/dashboard": the pages' relative links need the slash.
            return TypedResults.Redirect(Path);
        }

        var asset = assets.Find(string.IsNullOrEmpty(path) ? "index.html" : path);
        if (asset is null)
        {
            return ApiResults.NotFound($"No dashboard file {ApiResults.Truncate(path ?? "")}.");
        }

        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Bytes, asset.ContentType);
    }
}
