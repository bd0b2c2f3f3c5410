using System.Net;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Hosting;

/// <summary>
/// <c>Gantry:Proxy</c>: <c>/api/view</c>'s 302 uses the client-facing scheme, host and prefix a trusted proxy forwards,
/// and ignores the same headers from anyone else.
/// </summary>
public sealed class ReverseProxyTests
{
    [Fact]
    public async Task A_trusted_proxys_forwarded_scheme_host_and_prefix_make_the_redirect()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string>
        {
            ["Gantry:Proxy:KnownProxies:0"] = "127.0.0.1",
        });
        var location = await ViewRedirectAsync(server, forwarded: true);
        location.Scheme.ShouldBe("https");
        location.Authority.ShouldBe("gantry.example.com");
        location.AbsolutePath.ShouldStartWith("/gantry/api/files/");
    }

    [Fact]
    public async Task The_same_headers_from_an_address_that_is_not_a_trusted_proxy_change_nothing()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string>
        {
            ["Gantry:Proxy:KnownProxies:0"] = "10.9.9.9",
            ["Gantry:Proxy:KnownNetworks:0"] = "192.168.0.0/16",
        });
        var location = await ViewRedirectAsync(server, forwarded: true);
        location.Scheme.ShouldBe("http");
        location.Authority.ShouldBe(server.BaseAddress.Authority);
        location.AbsolutePath.ShouldStartWith("/api/files/");
    }

    [Fact]
    public async Task Without_proxy_settings_no_forwarded_header_is_believed()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        var location = await ViewRedirectAsync(server, forwarded: true);
        location.GetLeftPart(UriPartial.Authority).ShouldBe(server.BaseAddress.GetLeftPart(UriPartial.Authority));
    }

    [Fact]
    public async Task A_forwarded_host_outside_the_allowed_hosts_is_not_taken()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string>
        {
            ["Gantry:Proxy:KnownNetworks:0"] = "127.0.0.0/8",
            ["Gantry:Proxy:AllowedHosts:0"] = "gantry.internal",
        });
        var location = await ViewRedirectAsync(server, forwarded: true);
        location.Authority.ShouldBe(server.BaseAddress.Authority);
    }

    private static async Task<Uri> ViewRedirectAsync(GantryTestServer server, bool forwarded)
    {
        using var user = await server.CreateUserAsync();
        var jobId = await JobDriver.SubmitAsync(user.Client);
        await TestFiles.ImportOutputsAsync(server, user.User.Id, jobId, "renders", new Dictionary<string, byte[]> { ["result.png"] = TestFiles.Png(2, 2) });

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/view?filename=result.png&subfolder=renders&type=output");
        request.Headers.Add("X-API-Key", user.Key);
        if (forwarded)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-Host", "gantry.example.com");
            request.Headers.Add("X-Forwarded-Prefix", "/gantry");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        }

        using var response = await noRedirects.SendAsync(request, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Found);
        return response.Headers.Location!;
    }
}
