using Gantry.Jobs;
using Gantry.Store;

namespace Gantry.Events;

/// <summary>
/// Accepts <c>/ws</c> connections for authenticated users and runs one <see cref="EventSocket"/> per connection.
/// The session id is the client's <c>clientId</c> (or a fresh 32-hex id); as on Comfy Cloud it does not route
/// anything: every socket of a user receives all of that user's events.
/// </summary>
public sealed class EventSocketServer(
    EventHub hub,
    IJobStore store,
    IHostApplicationLifetime lifetime,
    ILogger<EventSocketServer> logger,
    EventSocketSettings settings)
{
    /// <summary>Upgrades the request and serves the socket until it ends.</summary>
    public async Task RunAsync(HttpContext context, long userId, string? clientId)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sid = string.IsNullOrEmpty(clientId) ? Guid.NewGuid().ToString("N") : clientId;
        using var webSocket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = false });
        var socket = new EventSocket(webSocket, hub, userId, settings.BufferFrames, settings.FeatureFlagsReply, settings.CloseTimeout, logger);

        // The socket subscribes before the count is taken, so no status change between the two is lost.
        await socket.RunAsync(
            async cancellationToken => StatusFrames.Greeting(
                await store.CountUserJobsInStatesAsync(userId, JobStateMachine.ActiveStates, cancellationToken), sid),
            lifetime.ApplicationStopping,
            context.RequestAborted);
    }
}

/// <summary>What every event socket shares: its buffer, its close timeout, and the server's <c>feature_flags</c> reply.</summary>
public sealed record EventSocketSettings(int BufferFrames, TimeSpan CloseTimeout, EventFrame FeatureFlagsReply);
