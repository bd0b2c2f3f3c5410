using System.Net;
using System.Text;
using System.Text.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Dashboard;

/// <summary>An HTTP client that keeps cookies as a browser does, signed in (or not) through <c>POST /dashboard/api/session</c>.</summary>
public sealed class CookieClient : IDisposable
{
    public const string SessionPath = "dashboard/api/session";

    private CookieClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        Client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, UseCookies = true }) { BaseAddress = baseAddress, Timeout = TestTimeouts.Default };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Client { get; }

    /// <summary>The CSRF token of the last successful sign-in.</summary>
    public string? CsrfToken { get; private set; }

    /// <summary>The body of the last successful sign-in.</summary>
    public JsonElement? SignInBody { get; private set; }

    public static CookieClient For(GantryTestServer server) => new(server.BaseAddress);

    public static async Task<CookieClient> SignedInAsync(GantryTestServer server, string key)
    {
        var client = For(server);
        using var response = await client.SignInAsync(key);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return client;
    }

    public async Task<HttpResponseMessage> SignInAsync(string key)
    {
        var response = await Client.PostAsync(SessionPath, new StringContent(JsonSerializer.Serialize(new { api_key = key }), Encoding.UTF8, "application/json"));
        if (response.IsSuccessStatusCode)
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            SignInBody = body.RootElement.Clone();
            CsrfToken = SignInBody.Value.TryGetProperty("csrf_token", out var csrf) ? csrf.GetString() : null;
        }

        return response;
    }

    /// <summary>A request with the session's CSRF token when <paramref name="withCsrf"/>, plus any extra headers.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, bool withCsrf = true, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (withCsrf && CsrfToken is not null)
        {
            request.Headers.Add("X-CSRF-Token", CsrfToken);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Client.SendAsync(request);
    }

    public string? SessionCookie(Uri baseAddress) => Cookies.GetCookies(baseAddress)["gantry_session"]?.Value;

    public void Dispose() => Client.Dispose();
}
