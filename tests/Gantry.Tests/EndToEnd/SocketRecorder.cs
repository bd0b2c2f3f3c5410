using System.Net.WebSockets;
using System.Text.Json;
using Gantry.Tests.Events;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// Follows a <c>/ws</c> in the background and keeps, per job, the text frames about it as they came; a job's record is
/// complete at its final <c>executing {node: null}</c>. When the socket closes (its instance went), waits fail.
/// </summary>
internal sealed class SocketRecorder : IAsyncDisposable
{
    private readonly TestSocket _socket;
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, List<string>> _frames = [];
    private readonly Dictionary<Guid, TaskCompletionSource<IReadOnlyList<string>>> _ended = [];
    private readonly Task _loop;
    private Exception? _stopped;

    private SocketRecorder(TestSocket socket, string name)
    {
        _socket = socket;
        Name = name;
        _loop = Task.Run(ReadAsync);
    }

    public string Name { get; }

    public static async Task<SocketRecorder> OpenAsync(Uri baseAddress, string name) => new(await TestSocket.ConnectAsync(baseAddress, key: null), name);

    /// <summary>The job's frames, once its final frame has come.</summary>
    public Task<IReadOnlyList<string>> JobAsync(Guid jobId) => Ended(jobId).Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _socket.DisposeAsync();
        await _loop;
    }

    private TaskCompletionSource<IReadOnlyList<string>> Ended(Guid jobId)
    {
        lock (_lock)
        {
            if (!_ended.TryGetValue(jobId, out var ended))
            {
                ended = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
                _ended[jobId] = ended;
                if (_stopped is not null)
                {
                    ended.TrySetException(_stopped);
                }
            }

            return ended;
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (true)
            {
                var message = await _socket.ReceiveAsync();
                if (message.Type == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException($"{Name}: the socket closed ({message.CloseStatus})");
                }

                if (message.Type == WebSocketMessageType.Text)
                {
                    Record(message);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            lock (_lock)
            {
                _stopped = new InvalidOperationException($"{Name} stopped recording", ex);
                foreach (var ended in _ended.Values)
                {
                    ended.TrySetException(_stopped);
                }
            }
        }
    }

    private void Record(TestSocket.Message message)
    {
        using var document = JsonDocument.Parse(message.Data);
        var data = document.RootElement.GetProperty("data");
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("prompt_id", out var id) || !Guid.TryParse(id.GetString(), out var jobId))
        {
            return;
        }

        var final = document.RootElement.GetProperty("type").GetString() == "executing" && data.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.Null;
        List<string> frames;
        lock (_lock)
        {
            if (!_frames.TryGetValue(jobId, out frames!))
            {
                frames = [];
                _frames[jobId] = frames;
            }

            frames.Add(message.Text);
            if (!final)
            {
                return;
            }

            frames = [.. frames];
        }

        Ended(jobId).TrySetResult(frames);
    }
}
