using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gantry.Hosting.Metrics;

/// <summary>
/// Names <c>GET /metrics</c> in <c>/openapi/v1.json</c> when it is served: OpenTelemetry's exporter maps it as a
/// middleware branch the generator does not describe.
/// </summary>
internal sealed class MetricsRouteTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= new OpenApiPaths();
        NonHttpRoutesTransformer.Add(document, MetricsEndpoint.Path, HttpMethod.Get, "health", "Prometheus metrics",
            "Jobs submitted and ended by state, queue depth, wait and run time histograms, workers, slots, leadership and HTTP " +
            "request metrics in Prometheus' text format. Admin key only, unless Gantry:Metrics:Anonymous is true.",
            "200", "The metrics (text/plain; version=0.0.4, or OpenMetrics when asked for).");
        return Task.CompletedTask;
    }
}
