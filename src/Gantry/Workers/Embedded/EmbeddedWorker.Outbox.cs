using System.Threading.Channels;

namespace Gantry.Workers.Embedded;

/// <summary>
/// What the worker tells the dispatcher leaves through one ordered outbox (starts, messages, ends), in the order the
/// engine produced it, and nothing in the outbox waits for the store: the engine goes on to its next job at once
/// (a ComfyUI never waits for Gantry either), and the records of consecutive jobs share group commits.
/// </summary>
public sealed partial class EmbeddedWorker
{
    private readonly Channel<Func<Task>> _outbox = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private Task _outboxLoop = Task.CompletedTask;

    /// <summary>Queues a message or report behind everything sent before it.</summary>
    private void Send(Func<Task> delivery)
    {
        // After disposal nothing more is reported: the next start reconciles what was left.
        _outbox.Writer.TryWrite(delivery);
    }

    private void Send(Action delivery) => Send(() =>
    {
        delivery();
        return Task.CompletedTask;
    });

    private async Task RunOutboxAsync()
    {
        await foreach (var delivery in _outbox.Reader.ReadAllAsync())
        {
            try
            {
                await delivery();
            }
            catch (Exception ex)
            {
                EmbeddedLog.CallbackFailed(_logger, Name, Guid.Empty, ex);
            }
        }
    }

    /// <summary>Stops taking messages and waits (a bounded time) for those already queued.</summary>
    private async Task CloseOutboxAsync()
    {
        _outbox.Writer.TryComplete();
        try
        {
            await _outboxLoop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // A dispatcher that no longer answers: the process is going away anyway.
        }
    }
}
