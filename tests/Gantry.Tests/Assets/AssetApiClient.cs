using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Assets;

/// <summary>
/// Calls the Cloud assets routes for one user and checks every answer against the Cloud spec: the status is the one
/// expected, and the body (when the route documents one) conforms to the schema of that operation and status.
/// </summary>
internal sealed class AssetApiClient(HttpClient client)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Http => client;

    /// <summary>Sends, asserts the status, validates the body against <paramref name="specPath"/>'s documented answer, returns it.</summary>
    public async Task<JsonElement> SendAsync(HttpRequestMessage request, string specPath, HttpStatusCode expected)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            response.StatusCode.ShouldBe(expected, $"{request.Method} {request.RequestUri}: {text}");
            if (text.Length == 0)
            {
                return default;
            }

            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
            var body = JsonDocument.Parse(text).RootElement.Clone();
            OpenApiSchemaValidator.Cloud.AssertResponse(specPath, request.Method.Method, (int)expected, body);
            if ((int)expected >= 400)
            {
                body.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
            }

            return body;
        }
    }

    public Task<JsonElement> GetAsync(string url, string specPath, HttpStatusCode expected = HttpStatusCode.OK) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, url), specPath, expected);

    public Task<JsonElement> JsonAsync(HttpMethod method, string url, string json, string specPath, HttpStatusCode expected) =>
        SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") }, specPath, expected);

    public Task<JsonElement> UploadAsync(
        byte[] bytes, string filename = "cat.png", HttpStatusCode expected = HttpStatusCode.Created, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", filename);
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/assets") { Content = form }, "/api/assets", expected);
    }

    public static byte[] RandomBytes(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);
}
