using Gantry.Auth;
using Gantry.Auth.Sessions;

namespace Gantry.Events;

/// <summary>
/// Closes the event sockets whose key or session no longer authenticates (revoked, signed out, or its user removed) as soon as
/// <see cref="AccessWatcher"/> reports a change: with 1008 (policy violation) and a reason the client can show.
/// </summary>
public sealed partial class RevokedSocketCloser(
    AccessWatcher watcher, OpenSockets sockets, ApiKeyAuthenticator authenticator, SessionAuthenticator sessions, ILogger<RevokedSocketCloser> logger)
    : IHostedService
{
    private readonly Lock _lock = new();
    private Task _running = Task.CompletedTask;
    private int _pending;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        watcher.Changed += OnChanged;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        watcher.Changed -= OnChanged;
        Task running;
        lock (_lock)
        {
            running = _running;
        }

        await running.WaitAsync(cancellationToken);
    }

    /// <summary>Checks every open socket's key again; returns how many sockets were closed.</summary>
    public async Task<int> CloseRevokedAsync(CancellationToken cancellationToken)
    {
        var closed = 0;
        foreach (var slot in sockets.WithKeys())
        {
            if (!slot.IsRevoked && !await StillAuthenticatesAsync(slot, cancellationToken))
            {
                slot.Revoke();
                closed++;
            }
        }

        if (closed > 0)
        {
            LogClosed(logger, closed);
        }

        return closed;
    }

    private async Task<bool> StillAuthenticatesAsync(OpenSockets.Slot slot, CancellationToken cancellationToken) =>
        slot.SessionToken is { } token
            ? await sessions.AuthenticateAsync(token, cancellationToken) is not null
            : await authenticator.AuthenticateAsync(slot.Key!, cancellationToken) is not null;

    private void OnChanged()
    {
        // Changes that come while a check runs are folded into one more check after it.
        if (Interlocked.Increment(ref _pending) != 1)
        {
            return;
        }

        lock (_lock)
        {
            _running = _running.ContinueWith(_ => RunAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task RunAsync()
    {
        do
        {
            Volatile.Write(ref _pending, 1);
            try
            {
                await CloseRevokedAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogCheckFailed(logger, ex.Message);
            }
        }
        while (Interlocked.Decrement(ref _pending) != 0);
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Closed {Count} event socket(s) whose API key no longer authenticates")]
    private static partial void LogClosed(ILogger logger, int count);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Could not check open event sockets after an access change: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
