using Gantry.Api;
using Gantry.Auth;
using Gantry.Jobs;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Events;

/// <summary>
/// Accepts <c>/ws</c> connections for authenticated users and runs one <see cref="EventSocket"/> per connection.
/// The session id is the client's <c>clientId</c> (or a fresh 32-hex id); as on Comfy Cloud it does not route
/// anything: every socket of a user receives all of that user's events.
/// </summary>
/// <remarks>
/// A user may hold at most <see cref="SecurityOptions.MaxSocketsPerUser"/> sockets on one instance: one more is refused
/// with 429 before the upgrade. Sockets are registered in <see cref="OpenSockets"/> so a revoked key's sockets close.
/// </remarks>
public sealed class EventSocketServer(
    EventHub hub,
    IJobStore store,
    IHostApplicationLifetime lifetime,
    ILogger<EventSocketServer> logger,
    EventSocketSettings settings,
    OpenSockets openSockets,
    IOptions<SecurityOptions> security)
{
    /// <summary>Upgrades the request and serves the socket until it ends.</summary>
    public async Task RunAsync(HttpContext context, Caller caller, string? clientId)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(caller);
        var userId = caller.UserId;
        var sid = string.IsNullOrEmpty(clientId) ? Guid.NewGuid().ToString("N") : clientId;
        var limit = security.Value.MaxSocketsPerUser;
        var session = context.Features.Get<Auth.Sessions.SignedInSession>();
        var key = caller.KeyId is null || session is not null ? null : ApiKeyAuthenticationHandler.ReadKey(context.Request);
        using var slot = openSockets.TryTake(caller, key, limit, session?.Token);
        if (slot is null)
        {
            context.Response.Headers.RetryAfter = "10";
            await ApiResults.WriteErrorAsync(
                context, StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyRequests, $"Too many open event sockets: at most {limit} per user.");
            return;
        }

        using var webSocket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = false });
        var socket = new EventSocket(webSocket, hub, userId, settings.BufferFrames, settings.FeatureFlagsReply, settings.CloseTimeout, logger);
        slot.Attach(socket);

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
