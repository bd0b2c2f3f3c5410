using System.Net.WebSockets;
using System.Text.Json;
using Gantry.Tests.Events;

namespace Gantry.Tests.EndToEnd;

/// <summary>One message a user's <c>/ws</c> received: its type and data (binary frames are typed <c>binary</c>, with no data).</summary>
public sealed record SocketFrame(string Type, JsonElement Data)
{
    public string? PromptId => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("prompt_id", out var id) ? id.GetString() : null;

    public string? Node => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.String ? node.GetString() : null;

    /// <summary>The last message ComfyUI sends for a prompt: <c>executing</c> with <c>node: null</c>.</summary>
    public bool IsFinalExecuting(Guid jobId)
        => Type == "executing" && PromptId == jobId.ToString("D")
            && Data.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.Null;

    public override string ToString() => Type == "binary" ? "binary" : $"{Type} {Data}";
}

/// <summary>Reads a user's socket message by message, waiting on the messages themselves (each read has the generous test timeout).</summary>
public static class SocketJournal
{
    public static async Task<SocketFrame> NextAsync(TestSocket socket)
    {
        var message = await socket.ReceiveAsync();
        if (message.Type == WebSocketMessageType.Close)
        {
            throw new ShouldAssertException($"The socket closed: {message.CloseStatus} {message.CloseDescription}");
        }

        if (message.Type == WebSocketMessageType.Binary)
        {
            return new SocketFrame("binary", default);
        }

        using var document = JsonDocument.Parse(message.Data);
        var root = document.RootElement;
        return new SocketFrame(root.GetProperty("type").GetString()!, root.GetProperty("data").Clone());
    }

    /// <summary>Reads until <paramref name="stop"/> holds for a message; returns every message read, that one last.</summary>
    public static async Task<List<SocketFrame>> ReadUntilAsync(TestSocket socket, Func<SocketFrame, bool> stop)
    {
        var frames = new List<SocketFrame>();
        while (true)
        {
            var frame = await NextAsync(socket);
            frames.Add(frame);
            if (stop(frame))
            {
                return frames;
            }
        }
    }

    /// <summary>Reads until the job's final <c>executing {node: null}</c>.</summary>
    public static Task<List<SocketFrame>> ReadJobAsync(TestSocket socket, Guid jobId) => ReadUntilAsync(socket, f => f.IsFinalExecuting(jobId));

    /// <summary>The job's own messages (its prompt id), without the per-node <c>progress_state</c> snapshots, as "type" or "type:node".</summary>
    public static List<string> Outline(IEnumerable<SocketFrame> frames, Guid jobId)
        => [.. frames
            .Where(f => f.PromptId == jobId.ToString("D") && f.Type != "progress_state")
            .Select(f => f.Type switch
            {
                "executing" => $"executing:{f.Node ?? "null"}",
                "executed" => $"executed:{f.Node}",
                "progress" => $"progress:{f.Data.GetProperty("value").GetInt32()}/{f.Data.GetProperty("max").GetInt32()}",
                _ => f.Type,
            })];
}
