namespace Gantry.Hosting.Metrics;

/// <summary>
/// <c>Gantry:Metrics</c>: the Prometheus endpoint <c>GET /metrics</c>. It needs an admin key (or an admin's browser
/// session) unless <see cref="Anonymous"/> is set; set that only where the address is not reachable by users (a
/// private network, or a reverse proxy that does not forward <c>/metrics</c>), since metrics show how busy the service is.
/// </summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Gantry:Metrics";

    /// <summary>Serve <c>/metrics</c> at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Serve <c>/metrics</c> without a key. Default false (admin only).</summary>
    public bool Anonymous { get; set; }
}
