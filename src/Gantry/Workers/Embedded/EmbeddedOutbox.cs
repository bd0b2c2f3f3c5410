using System.Threading.Channels;

namespace Gantry.Workers.Embedded;

/// <summary>
/// What an embedded worker tells the dispatcher leaves through one ordered outbox (starts, messages, ends), in the
/// order the engine produced it, and nothing in the outbox waits for the store: the engine goes on to its next job at
/// once (a ComfyUI never waits for Gantry either), and the records of consecutive jobs share group commits.
/// </summary>
internal sealed class EmbeddedOutbox(ILogger logger, string workerName)
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(10);
    private readonly Channel<Func<Task>> _deliveries = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = Task.Run(RunAsync, CancellationToken.None);

    /// <summary>Queues a message or report behind everything sent before it.</summary>
    public void Send(Func<Task> delivery)
    {
        // After closing nothing more is delivered: the next start reconciles what was left.
        _deliveries.Writer.TryWrite(delivery);
    }

    public void Send(Action delivery) => Send(() =>
    {
        delivery();
        return Task.CompletedTask;
    });

    /// <summary>Stops taking deliveries and waits (a bounded time) for those already queued.</summary>
    public async Task CloseAsync()
    {
        _deliveries.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(CloseWait);
        }
        catch (TimeoutException)
        {
            // A dispatcher that no longer answers: the process is going away anyway.
        }
    }

    private async Task RunAsync()
    {
        await foreach (var delivery in _deliveries.Reader.ReadAllAsync())
        {
            try
            {
                await delivery();
            }
            catch (Exception ex)
            {
                EmbeddedLog.CallbackFailed(logger, workerName, Guid.Empty, ex);
            }
        }
    }
}
