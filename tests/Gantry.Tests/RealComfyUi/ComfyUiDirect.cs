using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gantry.Tests.EndToEnd;
using Gantry.Tests.Events;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.RealComfyUi;

/// <summary>
/// A plain client of a real ComfyUI, as a script would use it: its own <c>/ws</c> (client id), <c>/prompt</c>,
/// <c>/history</c>, <c>/view</c>, <c>/upload/image</c>. Waits on ComfyUI's own events, never on a clock.
/// </summary>
public sealed class ComfyUiDirect : IAsyncDisposable
{
    private readonly TestSocket _socket;

    private ComfyUiDirect(Uri baseAddress, TestSocket socket, string clientId)
    {
        BaseAddress = baseAddress;
        _socket = socket;
        ClientId = clientId;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TestTimeouts.Default };
    }

    public Uri BaseAddress { get; }

    public string ClientId { get; }

    public HttpClient Http { get; }

    public static async Task<ComfyUiDirect> ConnectAsync(Uri baseAddress)
    {
        var clientId = Guid.NewGuid().ToString("N");
        var socket = await TestSocket.ConnectAsync(baseAddress, key: null, clientId: clientId);
        var greeting = await socket.ReceiveJsonAsync();
        greeting.GetProperty("type").GetString().ShouldBe("status");
        return new ComfyUiDirect(baseAddress, socket, clientId);
    }

    /// <summary>POST /prompt with this client's id; the status and the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PostPromptAsync(string prompt, string? extraData = null)
    {
        var body = $$"""{"prompt": {{prompt}}, "client_id": "{{ClientId}}"{{(extraData is null ? string.Empty : ", \"extra_data\": " + extraData)}}}""";
        using var response = await Http.PostAsync("prompt", new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.ReadJsonAsync());
    }

    /// <summary>Submits a valid prompt and waits for its end on the socket; returns the frames it sent and its /history entry.</summary>
    public async Task<(List<SocketFrame> Frames, JsonElement History)> RunAsync(string prompt, string? extraData = null)
    {
        var (status, body) = await PostPromptAsync(prompt, extraData);
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var id = Guid.Parse(body.GetProperty("prompt_id").GetString()!);
        var frames = await SocketJournal.ReadJobAsync(_socket, id);
        return (frames, await HistoryAsync(id));
    }

    public async Task<JsonElement> HistoryAsync(Guid promptId)
    {
        using var response = await Http.GetAsync($"history/{promptId:D}");
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return json.GetProperty(promptId.ToString("D"));
    }

    /// <summary>Whether ComfyUI has any history entry for the prompt.</summary>
    public async Task<bool> HasHistoryAsync(Guid promptId)
    {
        using var response = await Http.GetAsync($"history/{promptId:D}");
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return json.TryGetProperty(promptId.ToString("D"), out _);
    }

    public async Task<byte[]> ViewAsync(string filename, string subfolder, string type)
    {
        using var response = await Http.GetAsync($"view?filename={Uri.EscapeDataString(filename)}&subfolder={Uri.EscapeDataString(subfolder)}&type={type}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"/view {filename}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>POST /upload/image (overwrite), returning the stored name.</summary>
    public async Task<string> UploadAsync(string name, byte[] png)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "image", name);
        form.Add(new StringContent("true"), "overwrite");
        using var response = await Http.PostAsync("upload/image", form);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return json.GetProperty("name").GetString()!;
    }

    public async Task<JsonElement> ObjectInfoAsync(string classType)
    {
        using var response = await Http.GetAsync($"object_info/{classType}");
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return json.GetProperty(classType);
    }

    public async Task<JsonElement> QueueAsync()
    {
        using var response = await Http.GetAsync("queue");
        return await response.ShouldBeJsonAsync(HttpStatusCode.OK);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _socket.DisposeAsync();
    }
}
