using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Gantry.Load.Driving;

/// <summary>
/// A ComfyUI-protocol client as a real one works: one <c>/ws</c> socket under a client id, prompts submitted with
/// <c>POST /prompt</c> under that client id and a prompt_id chosen here (so the wait exists before the submit), and a
/// prompt counted done when its <c>executing</c> frame with <c>node: null</c> arrives (ComfyUI sends it after the
/// history entry is stored; Gantry after the job is committed). The same class drives ComfyUI and Gantry.
/// </summary>
public sealed class PromptSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly HttpClient _http;
    private readonly string _clientId;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _waits = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private readonly Uri _baseAddress;
    private readonly string? _apiKey;

    private PromptSocket(ClientWebSocket socket, HttpClient http, string clientId, Uri baseAddress, string? apiKey)
    {
        _baseAddress = baseAddress;
        _apiKey = apiKey;
        _socket = socket;
        _http = http;
        _clientId = clientId;
        _reading = Task.Run(ReadAsync);
    }

    /// <param name="apiKey">Gantry's key (sent as X-API-Key and as the socket's token); null for ComfyUI.</param>
    public static async Task<PromptSocket> ConnectAsync(Uri baseAddress, string? apiKey, CancellationToken cancellationToken)
    {
        var clientId = Guid.NewGuid().ToString("D");
        var socket = new ClientWebSocket();
        var query = "ws?clientId=" + clientId + (apiKey is null ? "" : "&token=" + Uri.EscapeDataString(apiKey));
        var address = new Uri(new Uri(baseAddress.ToString().Replace("http://", "ws://", StringComparison.Ordinal)), query);
        await socket.ConnectAsync(address, cancellationToken);
        var http = LoadHttp.CreateClient(baseAddress, apiKey);
        return new PromptSocket(socket, http, clientId, baseAddress, apiKey);
    }

    /// <summary>One more client connection to the same server (one socket each, as <see cref="LoadHttp"/> makes them).</summary>
    public HttpClient CreateHttp() => LoadHttp.CreateClient(_baseAddress, _apiKey);

    /// <summary>Submits an API-format prompt and waits until it is done; false on a refused submit or a failed run.</summary>
    /// <param name="http">The submitting client's own connection (from <see cref="CreateHttp"/>).</param>
    public async Task<bool> RunAsync(HttpClient http, string promptJson, CancellationToken cancellationToken)
    {
        var promptId = Guid.NewGuid().ToString("D");
        var wait = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waits[promptId] = wait;
        var body = Encoding.UTF8.GetBytes("{\"prompt\": " + promptJson + ", \"client_id\": \"" + _clientId + "\", \"prompt_id\": \"" + promptId + "\"}");
        if (!await LoadHttp.PostJsonAsync(http, "prompt", body, cancellationToken))
        {
            _waits.TryRemove(promptId, out _);
            return false;
        }

        return await wait.Task.WaitAsync(TimeSpan.FromMinutes(10), cancellationToken);
    }

    /// <summary>Wall time in milliseconds of one prompt from submit to done; throws when it fails.</summary>
    public async Task<double> TimeAsync(string promptJson, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (!await RunAsync(_http, promptJson, cancellationToken))
        {
            throw new InvalidOperationException("The prompt failed: " + promptJson);
        }

        return LoadRunner.ToMilliseconds(Stopwatch.GetTimestamp() - started);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (OperationCanceledException)
        {
        }

        _socket.Dispose();
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
        {
            var received = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            if (received.MessageType == WebSocketMessageType.Text)
            {
                Handle(message.GetBuffer().AsSpan(0, (int)message.Length));
            }

            message.SetLength(0);
        }

        foreach (var wait in _waits.Values)
        {
            wait.TrySetResult(false);
        }
    }

    private void Handle(ReadOnlySpan<byte> frame)
    {
        using var document = JsonDocument.Parse(frame.ToArray());
        var root = document.RootElement;
        if (!root.TryGetProperty("type", out var type) || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object ||
            !data.TryGetProperty("prompt_id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            return;
        }

        var done = type.GetString() switch
        {
            "executing" when data.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.Null => true,
            "execution_error" or "execution_interrupted" => false,
            _ => (bool?)null,
        };
        if (done is { } succeeded && _waits.TryRemove(id.GetString()!, out var wait))
        {
            wait.TrySetResult(succeeded);
        }
    }
}
