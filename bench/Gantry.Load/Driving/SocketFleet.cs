using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Gantry.Load.Driving;

/// <summary>
/// Many WebSocket clients, each reading every frame and, for frames that carry <c>"sent":TICKS</c> (a
/// <see cref="Stopwatch"/> timestamp of this process), recording how long the frame took to arrive.
/// </summary>
public sealed class SocketFleet : IAsyncDisposable
{
    private static readonly byte[] SentMarker = Encoding.UTF8.GetBytes("\"sent\":");

    private readonly List<ClientWebSocket> _sockets = [];
    private readonly List<Task> _readers = [];
    private readonly List<List<long>> _latencies = [];
    private readonly CancellationTokenSource _stop = new();
    private long _measureFrom = long.MaxValue;

    public int Count => _sockets.Count;

    /// <summary>Opens one socket per URI, a batch at a time (so the accept queue never overflows).</summary>
    public async Task ConnectAsync(IReadOnlyList<Uri> uris, CancellationToken cancellationToken)
    {
        const int Batch = 100;
        for (var i = 0; i < uris.Count; i += Batch)
        {
            var batch = uris.Skip(i).Take(Batch).Select(async uri =>
            {
                var socket = new ClientWebSocket();
                await socket.ConnectAsync(uri, cancellationToken);
                return socket;
            }).ToArray();
            foreach (var socket in await Task.WhenAll(batch))
            {
                var latencies = new List<long>(1024);
                _sockets.Add(socket);
                _latencies.Add(latencies);
                _readers.Add(Task.Run(() => ReadAsync(socket, latencies, _stop.Token), CancellationToken.None));
            }
        }
    }

    /// <summary>From now on, arrivals count.</summary>
    public void StartMeasuring() => Volatile.Write(ref _measureFrom, Stopwatch.GetTimestamp());

    /// <summary>The arrival latencies counted so far, in stopwatch ticks.</summary>
    public long[] CollectLatencies()
    {
        var all = new List<long>();
        foreach (var latencies in _latencies)
        {
            lock (latencies)
            {
                all.AddRange(latencies);
            }
        }

        return [.. all];
    }

    /// <summary>Sockets that ended (closed or failed) before they were asked to.</summary>
    public int Ended => _readers.Count(r => r.IsCompleted);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var socket in _sockets)
        {
            socket.Abort();
            socket.Dispose();
        }

        await Task.WhenAll(_readers).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task ReadAsync(ClientWebSocket socket, List<long> latencies, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += result.Count;
                    if (length == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var arrived = Stopwatch.GetTimestamp();
                if (TryReadSent(buffer.AsSpan(0, length), out var sent) && sent >= Volatile.Read(ref _measureFrom))
                {
                    lock (latencies)
                    {
                        latencies.Add(arrived - sent);
                    }
                }
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed by the server or by DisposeAsync.
        }
    }

    private static bool TryReadSent(ReadOnlySpan<byte> frame, out long sent)
    {
        sent = 0;
        var at = frame.IndexOf(SentMarker);
        return at >= 0 && Utf8Parser.TryParse(frame[(at + SentMarker.Length)..], out sent, out _);
    }
}
