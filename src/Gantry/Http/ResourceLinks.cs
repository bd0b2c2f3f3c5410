using System.Globalization;

namespace Gantry.Http;

/// <summary>
/// How Gantry writes a time and a job's link on the wire, for the parts that speak outside the endpoint modules
/// (webhook payloads) as well as for the v2 API itself, so both always agree.
/// </summary>
public static class ResourceLinks
{
    /// <summary>A UTC time as ISO 8601 with milliseconds and a <c>Z</c>: <c>2026-12-05T14:09:42.123Z</c>.</summary>
    public static string Iso(long unixMs) => Iso(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

    /// <inheritdoc cref="Iso(long)"/>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The v2 job resource's path, <c>/api/v2/jobs/{id}</c>.</summary>
    public static string V2Job(Guid id) => string.Create(CultureInfo.InvariantCulture, $"/api/v2/jobs/{id:D}");
}
