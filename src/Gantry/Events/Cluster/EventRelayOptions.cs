using System.ComponentModel.DataAnnotations;

namespace Gantry.Events.Cluster;

/// <summary><c>Gantry:EventRelay</c>: what job events cross to the other instances (PostgreSQL with several instances only).</summary>
public sealed class EventRelayOptions
{
    public const string SectionName = "Gantry:EventRelay";

    /// <summary>
    /// Binary previews up to this size (bytes, header included) are relayed; bigger ones reach only the clients of the
    /// instance that drives the worker. 0 relays none. A preview is superseded by the next one, so dropping one loses no state.
    /// </summary>
    [Range(0, 16 * 1024 * 1024)]
    public int MaxPreviewBytes { get; set; } = 256 * 1024;

    /// <summary>Text messages up to this size (bytes) are relayed, in pieces when needed; bigger ones (never seen from ComfyUI) are dropped and logged.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxTextBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Notifications waiting to be sent at most; past that, frames are dropped (the receivers see the gap and log it).</summary>
    [Range(1024, 1_048_576)]
    public int OutboxCapacity { get; set; } = 65_536;

    /// <summary>How long to wait before sending again, or listening again, after the database connection failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The largest frame relayed, in notifications.</summary>
    internal int MaxPieces => (int)Math.Min(int.MaxValue, ((Math.Max((long)MaxTextBytes, MaxPreviewBytes) * 4 / 3) + 4) / EventNotice.MaxBodyChars + 1);
}
