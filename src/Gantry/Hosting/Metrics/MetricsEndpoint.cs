using Microsoft.Extensions.Options;

namespace Gantry.Hosting.Metrics;

/// <summary><c>GET /metrics</c> in Prometheus text format: admin only unless <c>Gantry:Metrics:Anonymous</c>.</summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static void MapGantryMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }

        var endpoint = app.MapPrometheusScrapingEndpoint(Path).WithTags("health").ExcludeFromDescription();
        if (options.Anonymous)
        {
            endpoint.AllowAnonymous();
        }
        else
        {
            endpoint.RequireAuthorization(Auth.GantryRoles.Admin);
        }
    }

    /// <summary>Before a scrape that authorization let through: read the queue from the dispatcher.</summary>
    public static void UseMetricsRefresh(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.Equals(Path, StringComparison.Ordinal) && context.GetEndpoint() is not null)
        {
            await context.RequestServices.GetRequiredService<MetricsGauges>().RefreshAsync(context.RequestAborted);
        }

        await next(context);
    });
}
