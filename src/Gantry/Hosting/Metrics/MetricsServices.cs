using Gantry.Telemetry;
using OpenTelemetry.Metrics;

namespace Gantry.Hosting.Metrics;

/// <summary>
/// Registers the metrics: <see cref="GantryMetrics"/> (always, the code records into it) and, when
/// <c>Gantry:Metrics:Enabled</c>, OpenTelemetry's Prometheus exporter over the <c>Gantry</c> meter and ASP.NET Core's
/// own HTTP meters (request duration and active requests, Kestrel connections).
/// </summary>
internal static class MetricsServices
{
    public static IServiceCollection AddGantryMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<GantryMetrics>();
        services.AddSingleton<MetricsGauges>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsGauges>());

        var options = new MetricsOptions();
        configuration.GetSection(MetricsOptions.SectionName).Bind(options);
        if (options.Enabled)
        {
            services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(GantryMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
            services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", openApi => openApi.AddDocumentTransformer<MetricsRouteTransformer>());
        }

        return services;
    }
}
