using System.Net.Http.Headers;

namespace Gantry.Load.Driving;

/// <summary>HTTP clients for the driver: one connection each (one client, one socket), no proxy, no cookies, no redirects.</summary>
public static class LoadHttp
{
    public static HttpClient CreateClient(Uri baseAddress, string? apiKey)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>A GET that succeeds on a 2xx answer; the body is read to its end.</summary>
    public static async Task<bool> GetAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return response.IsSuccessStatusCode;
    }

    /// <summary>A POST of a JSON body that succeeds on a 2xx answer.</summary>
    public static async Task<bool> PostJsonAsync(HttpClient client, string path, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(path, content, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return response.IsSuccessStatusCode;
    }

    /// <summary>The body of a GET, checked for success.</summary>
    public static async Task<byte[]> GetBytesAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(path, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }
}
