using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Hosting.Frontend;

/// <summary>
/// What <c>/</c> serves, decided here only: the ComfyUI editor's <c>index.html</c> when a frontend is configured, else
/// a redirect to the dashboard (which keeps its own path, <see cref="DashboardPath"/>, either way). A browser that is
/// not signed in (no session cookie, no key; with <c>--no-auth</c> everyone is) goes to the dashboard's sign-in, which
/// comes back here: the editor would otherwise start and fail on its first request.
/// </summary>
public static class RootPage
{
    public const string DashboardPath = "/dashboard/";

    /// <summary>The dashboard's sign-in, returning to the editor at <c>/</c> (see docs/dashboard.md).</summary>
    public const string SignInPath = "/dashboard/#/signin?next=%2F";

    public static IEndpointRouteBuilder MapRootPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", Get).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    public static Results<PhysicalFileHttpResult, RedirectHttpResult> Get(HttpContext context, IOptions<FrontendOptions> options)
    {
        if (options.Value.FullRoot is not { } root)
        {
            return TypedResults.Redirect(DashboardPath);
        }

        if (context.User.Identity?.IsAuthenticated != true)
        {
            return TypedResults.Redirect(SignInPath);
        }

        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.PhysicalFile(Path.Combine(root, "index.html"), "text/html; charset=utf-8");
    }
}
