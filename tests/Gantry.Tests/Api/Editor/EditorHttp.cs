using System.Net;
using System.Text;
using System.Text.Json;

namespace Gantry.Tests.Api.Editor;

/// <summary>Small helpers for the editor routes: raw paths (no client re-encoding), JSON and text bodies.</summary>
internal static class EditorHttp
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Sends <paramref name="rawPath"/> exactly as written (its percent-escapes untouched).</summary>
    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string rawPath, byte[]? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(client.BaseAddress!, new Uri(rawPath, UriKind.Relative)));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        return await client.SendAsync(request, Ct);
    }

    public static Task<HttpResponseMessage> PostBytesAsync(this HttpClient client, string rawPath, string body) =>
        client.SendAsync(HttpMethod.Post, rawPath, Encoding.UTF8.GetBytes(body));

    public static async Task<JsonElement> JsonOkAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task ShouldBeTextErrorAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(status, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/plain");
        text.ShouldNotBeEmpty();
    }
}
