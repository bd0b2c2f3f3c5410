using System.Threading.Channels;
using Gantry.Client;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gantry.Mcp;

/// <summary>
/// Turns a waited-for job's events into MCP progress notifications (one per node started and per step) and sends
/// them one after another. Disposing waits until every note is sent, so the last notes cannot be overtaken by the
/// tool's result: the SDK's own <see cref="IProgress{T}"/> sends without waiting, and over Streamable HTTP a note
/// still on its way when the result closes the response was lost.
/// </summary>
internal sealed class WaitProgress : IAsyncDisposable
{
    private readonly string _promptId;
    private readonly Channel<ProgressNotificationValue> _notes =
        Channel.CreateUnbounded<ProgressNotificationValue>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _sending;
    private int _count;

    /// <param name="promptId">The job waited for.</param>
    /// <param name="send">Sends one note; null when the caller asked for no progress (no progress token).</param>
    public WaitProgress(string promptId, Func<ProgressNotificationValue, Task>? send)
    {
        _promptId = promptId;
        _sending = send is null ? Task.CompletedTask : SendAllAsync(send);
    }

    /// <summary>Notes for the tool call <paramref name="request"/>, sent to its client when it gave a progress token.</summary>
    public static WaitProgress For(string promptId, RequestContext<CallToolRequestParams>? request)
    {
        if (request?.Params?.ProgressToken is not { } token)
        {
            return new WaitProgress(promptId, send: null);
        }

        var server = request.Server;
        return new WaitProgress(promptId, note => server.NotifyProgressAsync(token, note, options: null, CancellationToken.None));
    }

    /// <summary>The first note: listening for the job's events, or, without them, only asking for its state now and then.</summary>
    public void Listening(bool withEvents) => Post(withEvents
        ? $"Waiting for job {_promptId}."
        : $"Waiting for job {_promptId} (no event stream: its state is polled, without per-node progress).");

    public void OnEvent(GantryEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Type == "executing" && message.Node is { } node)
        {
            Post($"Job {_promptId}: node {node} started.");
        }
        else if (message.Type == "progress" && message.Node is { } stepNode
            && message.Data.TryGetProperty("value", out var value) && message.Data.TryGetProperty("max", out var max))
        {
            Post($"Job {_promptId}: node {stepNode} step {value}/{max}.");
        }
    }

    /// <summary>Waits until every note posted so far is sent (or failed to send); posts after this are dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        _notes.Writer.TryComplete();
        await _sending;
    }

    private void Post(string text) => _notes.Writer.TryWrite(new ProgressNotificationValue { Progress = ++_count, Message = text });

    private async Task SendAllAsync(Func<ProgressNotificationValue, Task> send)
    {
        await foreach (var note in _notes.Reader.ReadAllAsync())
        {
            try
            {
                await send(note);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                // The client went away: the notes are only a courtesy, the wait itself goes on (and its result fails
                // the same way). Drop the rest.
                _notes.Writer.TryComplete();
                while (_notes.Reader.TryRead(out _))
                {
                }

                return;
            }
        }
    }
}
