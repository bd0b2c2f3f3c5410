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

    /// <summary>
    /// The spec's <c>/api/job/{id}/status</c> says <c>error</c> for a failed job and <c>cancelled</c> for a cancelled
    /// one; some clients (an MCP server for Comfy Cloud) stop polling only on <c>completed</c> or <c>failed</c>.
    /// True answers <c>failed</c> for both there (<c>error_message</c> says which); other endpoints keep their words.
    /// </summary>
    public bool JobStatusFailed { get; set; }
}
