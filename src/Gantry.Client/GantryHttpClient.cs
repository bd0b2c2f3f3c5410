using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gantry.Client;

/// <summary>
/// A client for a running Gantry's HTTP API: JSON in and out, the key sent as <c>X-API-Key</c>, and every failure
/// turned into a <see cref="GantryHttpException"/> saying what kind it is (<see cref="GantryFailure"/>): unreachable
/// server, refused key (401, 403), refused request (4xx with the server's <c>{code, message}</c>), server error.
/// </summary>
public sealed class GantryHttpClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;

    public GantryHttpClient(GantryHttpConnection connection, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        _http = handler is null ? new HttpClient(CreateHandler(), disposeHandler: true) : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = connection.BaseAddress;
        _http.Timeout = timeout ?? TimeSpan.FromSeconds(100);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("gantry-cli", typeof(GantryHttpClient).Assembly.GetName().Version?.ToString() ?? "0"));
        if (connection.ApiKey is { } key)
        {
            _http.DefaultRequestHeaders.Add("X-API-Key", key);
        }
    }

    public GantryHttpConnection Connection { get; }

    /// <summary>GET, returning the JSON body.</summary>
    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        => (await GetAsync(path, cancellationToken)).Deserialize(type) ?? throw new GantryHttpException(GantryFailure.Unavailable, $"GET {path} answered null.");

    /// <summary>POST with an optional JSON body (already UTF-8 JSON), returning the JSON body (an empty object when there is none).</summary>
    public Task<JsonElement> PostAsync(string path, ReadOnlyMemory<byte>? json, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, path, json, cancellationToken);

    public Task<JsonElement> PostAsync<TBody>(string path, TBody body, JsonTypeInfo<TBody> type, CancellationToken cancellationToken)
        => PostAsync(path, JsonSerializer.SerializeToUtf8Bytes(body, type), cancellationToken);

    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    /// <summary>Escapes one path segment (a worker name, a job id).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    public void Dispose() => _http.Dispose();

    /// <summary>GET of a file: its bytes and content type.</summary>
    public async Task<(byte[] Bytes, string? ContentType)> GetBytesAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        using var response = await SendCheckedAsync(request, cancellationToken);
        return (await response.Content.ReadAsByteArrayAsync(cancellationToken), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// GET of a route that answers with a redirect (<c>/api/view</c>): the <c>Location</c> it points to.
    /// Needs a handler that does not follow redirects (see <see cref="CreateHandler"/>).
    /// </summary>
    public async Task<Uri> GetRedirectAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        using var response = await SendCheckedAsync(request, cancellationToken);
        return response.Headers.Location is { } location
            ? new Uri(_http.BaseAddress!, location)
            : throw new GantryHttpException(GantryFailure.Unavailable, $"GET /{path.TrimStart('/')} answered {(int)response.StatusCode} without a redirect.");
    }

    /// <summary>POST of a multipart form, returning the JSON body.</summary>
    public async Task<JsonElement> PostFormAsync(string path, MultipartFormDataContent form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = form };
        using var response = await SendCheckedAsync(request, cancellationToken);
        return Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>The handler Gantry clients use: redirects are answers to read (signed file links), not to follow.</summary>
    public static SocketsHttpHandler CreateHandler() => new() { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, ReadOnlyMemory<byte>? json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is { } body)
        {
            request.Content = new ReadOnlyMemoryContent(body);
            request.Content.Headers.ContentType = Json;
        }

        using var response = await SendCheckedAsync(request, cancellationToken);
        return Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Sends; a success (2xx or a redirect) is returned for the caller to read and dispose, anything else throws.</summary>
    private async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.Method;
        var path = request.RequestUri!.OriginalString;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            || ex.InnerException is SocketException)
        {
            throw new GantryHttpException(
                GantryFailure.Unavailable,
                $"Cannot reach Gantry at {Connection.BaseAddress}: {ex.Message} Is 'gantry serve' running there? Pass --url or set {GantryHttpConnection.UrlVariable}.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GantryHttpException(GantryFailure.Unavailable, $"Gantry at {Connection.BaseAddress} did not answer {method} /{path} in {_http.Timeout.TotalSeconds:0} s.");
        }

        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode || (status >= 300 && status < 400))
        {
            return response;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw Failure(method, path, response.StatusCode, text);
        }
    }

    private static JsonElement Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            using var empty = JsonDocument.Parse("{}");
            return empty.RootElement.Clone();
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new GantryHttpException(GantryFailure.Unavailable, $"The server did not answer JSON: {ex.Message}");
        }
    }

    private GantryHttpException Failure(HttpMethod method, string path, HttpStatusCode status, string body)
    {
        var (code, message) = ReadError(body);
        var detail = message ?? $"{(int)status} {status}";
        var failure = status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => GantryFailure.AccessDenied,
            >= HttpStatusCode.InternalServerError => GantryFailure.ServerError,
            _ => GantryFailure.Refused,
        };
        var text = status switch
        {
            HttpStatusCode.Unauthorized => $"Gantry refused the API key ({KeyDescription}): {detail} Pass --api-key or set {GantryHttpConnection.ApiKeyVariable}.",
            HttpStatusCode.Forbidden => $"Not allowed with this API key ({KeyDescription}): {detail}",
            _ => $"{method} /{path.TrimStart('/')} failed ({(int)status}): {detail}",
        };
        return new GantryHttpException(failure, text, status, code) { ServerMessage = detail, Body = body };
    }

    private string KeyDescription => Connection.ApiKey is null ? "no key was sent" : $"key from {Connection.KeySource}";

    private static (string? Code, string? Message) ReadError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (message is null && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var inner) && inner.ValueKind == JsonValueKind.String)
            {
                message = inner.GetString();
            }

            return (code, message);
        }
        catch (JsonException)
        {
            return (null, string.IsNullOrWhiteSpace(body) ? null : body.Trim());
        }
    }
}
