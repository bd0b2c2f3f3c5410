using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gantry.Engine.Json;
using Gantry.Outputs;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The HTTP side of one ComfyUI worker: one <see cref="HttpClient"/> over a <see cref="SocketsHttpHandler"/>,
/// the worker's optional auth header on every request, a time limit per request. Paths are relative to the
/// base URL, so a worker behind a path prefix (<c>https://gpu/comfy/</c>) works. Every failure surfaces as
/// <see cref="ComfyUiRequestException"/>. The routes a worker uses come first, one method each; the transport after them.
/// </summary>
internal sealed class ComfyUiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ComfyUiWorkerOptions _options;

    public ComfyUiClient(Uri baseAddress, WorkerAuthHeader? authHeader, ComfyUiWorkerOptions options)
    {
        _options = options;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AutomaticDecompression = DecompressionMethods.All,
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Gantry", "1.0"));
        if (authHeader is { } header)
        {
            _http.DefaultRequestHeaders.TryAddWithoutValidation(header.Name, header.Value);
        }
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public async Task<JObject> GetSystemStatsAsync(CancellationToken cancellationToken)
        => await GetJsonAsync("system_stats", _options.RequestTimeout, cancellationToken) as JObject
            ?? throw new ComfyUiRequestException("GET system_stats did not answer an object.");

    /// <summary>The node catalog; can be megabytes on a worker with many custom nodes.</summary>
    public Task<JValue> GetObjectInfoAsync(CancellationToken cancellationToken)
        => GetJsonAsync("object_info", _options.TransferTimeout, cancellationToken);

    /// <summary>The <c>/features</c> flags; null on builds older than mid-2025 (404).</summary>
    public async Task<JObject?> GetFeaturesAsync(CancellationToken cancellationToken)
        => await TryGetJsonAsync("features", _options.RequestTimeout, cancellationToken) as JObject;

    /// <summary>Model files by folder, from <c>/models</c> then <c>/models/{folder}</c>; empty on builds without those routes.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetModelsAsync(CancellationToken cancellationToken)
    {
        if (await TryGetJsonAsync("models", _options.RequestTimeout, cancellationToken) is not JArray folders)
        {
            return WorkerCapabilities.NoModels;
        }

        var models = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var folder in folders.Select(f => f.AsString).OfType<string>().Where(f => f.Length > 0).Distinct(StringComparer.Ordinal))
        {
            if (await TryGetJsonAsync($"models/{Uri.EscapeDataString(folder)}", _options.RequestTimeout, cancellationToken) is JArray files)
            {
                models[folder] = [.. files.Select(f => f.AsString).OfType<string>()];
            }
        }

        return models;
    }

    public async Task<ComfyUiQueue> GetQueueAsync(CancellationToken cancellationToken)
        => ComfyUiQueue.Parse(await GetJsonAsync("queue", _options.RequestTimeout, cancellationToken));

    /// <summary>The history item of a prompt; null while ComfyUI answers <c>{}</c> (unknown, queued, running).</summary>
    public async Task<JObject?> GetHistoryAsync(Guid promptId, CancellationToken cancellationToken)
    {
        var id = PromptId(promptId);
        var all = await GetJsonAsync($"history/{id}", _options.RequestTimeout, cancellationToken) as JObject;
        return all?[id] as JObject;
    }

    public Task<(HttpStatusCode Status, byte[] Body)> PostPromptAsync(byte[] body, CancellationToken cancellationToken)
        => PostJsonAsync("prompt", body, cancellationToken);

    /// <summary>Removes a pending prompt; a running or unknown one is left alone (and the call still succeeds).</summary>
    public Task DeleteFromQueueAsync(Guid promptId, CancellationToken cancellationToken)
        => PostExpectingOkAsync("queue", $"{{\"delete\":[\"{PromptId(promptId)}\"]}}", cancellationToken);

    /// <summary>Interrupts the prompt if it is the one running; a no-op otherwise.</summary>
    public Task InterruptAsync(Guid promptId, CancellationToken cancellationToken)
        => PostExpectingOkAsync("interrupt", $"{{\"prompt_id\":\"{PromptId(promptId)}\"}}", cancellationToken);

    /// <summary><c>POST /free</c>: asks the worker to unload its models and/or free its cached memory.</summary>
    public Task FreeAsync(bool unloadModels, bool freeMemory, CancellationToken cancellationToken)
        => PostExpectingOkAsync("free", $"{{\"unload_models\":{(unloadModels ? "true" : "false")},\"free_memory\":{(freeMemory ? "true" : "false")}}}", cancellationToken);

    /// <summary>
    /// <c>POST /api/jobs/{id}/cancel</c> (ComfyUI ≥ 0.26: dequeues or interrupts atomically).
    /// Null when the worker has no such route.
    /// </summary>
    public async Task<bool?> CancelJobAsync(Guid promptId, CancellationToken cancellationToken)
    {
        var (status, body) = await PostJsonAsync($"api/jobs/{PromptId(promptId)}/cancel", "{}"u8.ToArray(), cancellationToken);
        if (status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            return null;
        }

        if (status != HttpStatusCode.OK)
        {
            throw new ComfyUiRequestException($"POST api/jobs/{{id}}/cancel answered {(int)status}.", status, body);
        }

        return ComfyJson.TryParse(body) is JObject answer && answer["cancelled"] is JBool { Value: true };
    }

    /// <summary>Uploads a file into the worker's input folder under the same name, replacing what is there.</summary>
    public async Task<JObject> UploadInputAsync(string path, string subfolder, string filename, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        using var form = new MultipartFormDataContent();
        var image = new StreamContent(file);
        image.Headers.ContentType = new MediaTypeHeaderValue(OutputImporter.ContentTypeOf(filename));
        form.Add(image, "image", filename);
        form.Add(new StringContent("input", Encoding.UTF8), "type");
        form.Add(new StringContent(subfolder, Encoding.UTF8), "subfolder");
        form.Add(new StringContent("true", Encoding.UTF8), "overwrite");
        var (status, body) = await SendAsync(HttpMethod.Post, "upload/image", form, _options.TransferTimeout, cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            throw new ComfyUiRequestException($"POST upload/image of '{filename}' answered {(int)status}: {Snippet(body)}", status, body);
        }

        return ComfyJson.TryParse(body) as JObject ?? JObject.Empty;
    }

    /// <summary>
    /// Opens an output file for reading; null when the worker will not serve it (404 gone, 400/403 a name it refuses,
    /// 5xx): that file is skipped, the others still count. No answer at all throws.
    /// </summary>
    public async Task<Stream?> OpenViewAsync(OutputFileRef file, Action<OutputFileRef, HttpStatusCode>? refused, CancellationToken cancellationToken)
    {
        var path = $"view?filename={Uri.EscapeDataString(file.Filename)}&subfolder={Uri.EscapeDataString(file.Subfolder)}&type={Uri.EscapeDataString(file.Type)}";
        var response = await OpenAsync(path, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            refused?.Invoke(file, response.StatusCode);
            response.Dispose();
            return null;
        }

        // Disposing the content stream releases the response and its connection.
        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }

    /// <summary>The canonical form ComfyUI requires: lowercase, hyphenated.</summary>
    public static string PromptId(Guid id) => id.ToString("D");

    internal static string Snippet(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)).ReplaceLineEndings(" ");
        return body.Length > 300 ? text + "…" : text;
    }

    private async Task PostExpectingOkAsync(string path, string json, CancellationToken cancellationToken)
    {
        var (status, body) = await PostJsonAsync(path, Encoding.UTF8.GetBytes(json), cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            throw new ComfyUiRequestException($"POST {path} answered {(int)status}.", status, body);
        }
    }

    /// <summary>GET a JSON document; throws on anything but 200.</summary>
    public async Task<JValue> GetJsonAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
        => await TryGetJsonAsync(path, timeout, cancellationToken)
            ?? throw new ComfyUiRequestException($"GET {path} answered 404.", HttpStatusCode.NotFound);

    /// <summary>GET a JSON document; null on 404 (routes older builds do not have).</summary>
    public async Task<JValue?> TryGetJsonAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, path, null, timeout, cancellationToken);
        if (status == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (status != HttpStatusCode.OK)
        {
            throw new ComfyUiRequestException($"GET {path} answered {(int)status}.", status, body);
        }

        return ComfyJson.TryParse(body) ?? throw new ComfyUiRequestException($"GET {path} answered 200 with a body that is not JSON.", status, body);
    }

    /// <summary>POSTs a JSON body and returns the status and body, whatever the status.</summary>
    public Task<(HttpStatusCode Status, byte[] Body)> PostJsonAsync(string path, byte[] json, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return SendAsync(HttpMethod.Post, path, content, _options.RequestTimeout, cancellationToken);
    }

    /// <summary>Sends a request and reads the whole body; no answer at all → <see cref="ComfyUiRequestException"/> without status.</summary>
    public async Task<(HttpStatusCode Status, byte[] Body)> SendAsync(
        HttpMethod method, string path, HttpContent? content, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            return (response.StatusCode, body);
        }
        catch (Exception ex) when (IsNoAnswer(ex, cancellationToken))
        {
            throw NoAnswer(method, path, ex);
        }
    }

    /// <summary>Opens a response for streaming (the caller disposes it); no answer → <see cref="ComfyUiRequestException"/>.</summary>
    public async Task<HttpResponseMessage> OpenAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (IsNoAnswer(ex, cancellationToken))
        {
            throw NoAnswer(HttpMethod.Get, path, ex);
        }
    }

    public void Dispose() => _http.Dispose();

    private static bool IsNoAnswer(Exception ex, CancellationToken cancellationToken)
        => ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static ComfyUiRequestException NoAnswer(HttpMethod method, string path, Exception ex)
    {
        var cause = ex is OperationCanceledException ? "timed out" : Describe(ex);
        return new ComfyUiRequestException($"{method} {path}: {cause}", inner: ex);
    }

    /// <summary>The innermost useful message of a transport failure, e.g. "Connection refused (127.0.0.1:8188)".</summary>
    internal static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null && inner is HttpRequestException or IOException)
        {
            inner = inner.InnerException;
        }

        return ex is HttpRequestException http && !ReferenceEquals(inner, ex) && !ex.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{http.Message} {inner.Message}"
            : ex.Message;
    }
}
