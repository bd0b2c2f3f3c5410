using System.Net;
using System.Net.Http.Headers;
using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The HTTP side of one ComfyUI worker: one <see cref="HttpClient"/> over a <see cref="SocketsHttpHandler"/>,
/// the worker's optional auth header on every request, a time limit per request. Paths are relative to the
/// base URL, so a worker behind a path prefix (<c>https://gpu/comfy/</c>) works. Every failure surfaces as
/// <see cref="ComfyUiRequestException"/>.
/// </summary>
internal sealed partial class ComfyUiClient : IDisposable
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
