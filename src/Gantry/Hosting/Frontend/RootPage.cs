using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Hosting.Frontend;

/// <summary>
/// What <c>/</c> serves, decided here only: the ComfyUI editor's <c>index.html</c> when a frontend is configured, else
/// a redirect to the dashboard (which keeps its own path, <see cref="DashboardPath"/>, either way).
/// </summary>
public static class RootPage
{
    public const string DashboardPath = "/dashboard/";

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

        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.PhysicalFile(Path.Combine(root, "index.html"), "text/html; charset=utf-8");
    }
}
