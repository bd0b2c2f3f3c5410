using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Auth;

/// <summary>
/// Makes key revocation, user removal and limit changes take effect: a change made through this instance's store
/// applies at once (the store raises <see cref="IUserStore.AccessChanged"/>); a change made elsewhere (the
/// <c>gantry keys</c>/<c>gantry users</c> commands, another instance on the same database) is noticed by polling a
/// fingerprint of users and revoked keys every <see cref="SecurityOptions.RevocationPollInterval"/> (two small queries).
/// Either way the verified-key cache is emptied and <see cref="Changed"/> is raised, so open sockets are checked again.
/// </summary>
public sealed partial class AccessWatcher(
    IUserStore users, ApiKeyAuthenticator authenticator, IOptions<SecurityOptions> options, TimeProvider time, ILogger<AccessWatcher> logger)
    : BackgroundService
{
    private long? _fingerprint;

    /// <summary>Raised after the key cache was emptied because users or keys changed.</summary>
    public event Action? Changed;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        users.AccessChanged += Apply;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        users.AccessChanged -= Apply;
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Compares the store's fingerprint with the last one; applies a change. Returns whether there was one.</summary>
    public async Task<bool> PollAsync(CancellationToken cancellationToken)
    {
        var fingerprint = await users.GetAccessFingerprintAsync(cancellationToken);
        var changed = _fingerprint is { } last && last != fingerprint;
        _fingerprint = fingerprint;
        if (changed)
        {
            Apply();
        }

        return changed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevocationPollInterval, time);
        try
        {
            do
            {
                try
                {
                    await PollAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPollFailed(logger, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void Apply()
    {
        authenticator.ForgetAll();
        Changed?.Invoke();
    }

    [LoggerMessage(EventId = 1022, Level = LogLevel.Warning, Message = "Could not poll the store for revoked keys and changed users: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string reason);
}
