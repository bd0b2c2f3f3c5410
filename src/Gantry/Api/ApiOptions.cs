using System.ComponentModel.DataAnnotations;

namespace Gantry.Api;

/// <summary>How the HTTP API reads and writes: the <c>Gantry:Api</c> section.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Gantry:Api";

    /// <summary>Largest accepted request body for JSON endpoints such as <c>POST /api/prompt</c>.</summary>
    [Range(1, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The Cloud spec gives <c>create_time</c>/<c>update_time</c> of <c>/api/jobs*</c> in seconds; the live
    /// service sends milliseconds. True switches Gantry to milliseconds for clients written against the live service.
    /// </summary>
    public bool TimestampsInMilliseconds { get; set; }
}
