namespace Gantry.Workers.ComfyUi;

/// <summary>
/// How Gantry talks to ComfyUI workers: the <c>Gantry:ComfyUi</c> configuration section
/// (<c>GANTRY__COMFYUI__REQUESTTIMEOUT=00:00:10</c>, <c>--Gantry:ComfyUi:Prefetch=2</c>, …).
/// The defaults suit a LAN of GPU boxes; tests shorten the delays.
/// </summary>
public sealed class ComfyUiWorkerOptions
{
    public const string SectionName = "Gantry:ComfyUi";

    /// <summary>Prompts queued on a worker beyond the running one (its slots are one more than this).</summary>
    public int Prefetch { get; set; } = 1;

    /// <summary>Opening a TCP connection to a worker.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>One small JSON request (<c>/prompt</c>, <c>/queue</c>, <c>/history/{id}</c>, …), start to end.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One big transfer: an upload, an output download, the <c>/object_info</c> catalog.</summary>
    public TimeSpan TransferTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long to wait for the <c>status</c> greeting after the WebSocket opens (servers that send none are accepted after it).</summary>
    public TimeSpan GreetingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>WebSocket ping interval; a worker that answers no ping within <see cref="KeepAliveTimeout"/> is treated as gone.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>First wait before reconnecting to a worker that went away; doubled per failed attempt up to <see cref="ReconnectMaxDelay"/>, jittered.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of each reconnect delay that is random (0 to 1), so many Gantry instances do not knock in step.</summary>
    public double ReconnectJitter { get; set; } = 0.2;

    /// <summary>How often an online worker's node catalog and model lists are read again.</summary>
    public TimeSpan CatalogRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a finished prompt's history may stay empty (<c>{}</c>) before Gantry stops asking.
    /// ComfyUI writes history just before its final <c>executing</c> event, but proxies and other servers may lag.
    /// </summary>
    public TimeSpan HistoryWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First pause between two reads of an empty history; doubled up to one second.</summary>
    public TimeSpan HistoryRetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often jobs are looked up over HTTP (<c>/history</c>, <c>/queue</c>) while the WebSocket is down.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A worker unreachable this long loses the jobs it holds (they are requeued elsewhere).</summary>
    public TimeSpan JobLostAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Largest WebSocket message accepted (full-size images come over it from <c>SaveImageWebsocket</c>).</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024 * 1024;
}
