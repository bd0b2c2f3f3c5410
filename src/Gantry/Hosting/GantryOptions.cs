using Gantry.Api.Comfy;
using Gantry.Scheduling;
using Gantry.Workers;

namespace Gantry.Hosting;

/// <summary>
/// Gantry's settings: the <c>Gantry</c> section of configuration (appsettings.json,
/// <c>GANTRY__SECTION__KEY</c> environment variables, <c>--Gantry:Section:Key=value</c> on the command line).
/// </summary>
public sealed class GantryOptions
{
    public const string SectionName = "Gantry";

    /// <summary>Where the SQLite file, outputs, inputs and the admin key live.</summary>
    public string DataDirectory { get; set; } = "./gantry-data";

    public StoreOptions Store { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    public ApiOptions Api { get; set; } = new();

    /// <summary>The reverse proxies whose <c>X-Forwarded-*</c> headers are believed (<c>Gantry:Proxy</c>).</summary>
    public ProxyOptions Proxy { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    public ComfyOptions Comfy { get; set; } = new();

    /// <summary>The workers to start with (<c>Gantry:Workers</c>).</summary>
    public WorkerPoolOptions Workers { get; set; } = new();

    /// <summary>Fair sharing, limits, timeouts and retries (<c>Gantry:Scheduler</c>).</summary>
    public SchedulerOptions Scheduler { get; set; } = new();

    /// <summary>Nodes per prompt, memory per job, result cache bytes (<c>Gantry:Engine</c>).</summary>
    public Workers.Embedded.EngineSettings Engine { get; set; } = new();
}

/// <summary>Per-user limits; a user's own overrides (set with the admin API) win over these defaults.</summary>
public sealed class LimitOptions
{
    /// <summary>Most jobs of one user waiting at once (queued or dispatched); 0 for no limit.</summary>
    public int MaxQueuedPerUser { get; set; } = 100;

    /// <summary>What a refused submit's Retry-After header says.</summary>
    public TimeSpan QueueFullRetryAfter { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class StoreOptions
{
    /// <summary>A PostgreSQL connection string; when empty the embedded SQLite store is used.</summary>
    public string? Postgres { get; set; }
}

public sealed class AuthOptions
{
    /// <summary>
    /// When false (<c>--no-auth</c>) every request acts as the admin user, as a local single-user
    /// ComfyUI does. Only for machines where everyone who can reach the port may use it.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a verified key is trusted before the store is asked again (revocation takes effect within it).</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class ApiOptions
{
    /// <summary>Largest accepted request body for JSON endpoints such as <c>POST /api/prompt</c>.</summary>
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
