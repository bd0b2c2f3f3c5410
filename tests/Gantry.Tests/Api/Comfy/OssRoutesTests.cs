using System.Net;
using System.Text.Json;
using Gantry.Tests.EndToEnd;
using Gantry.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace Gantry.Tests.Api.Comfy;

/// <summary>
/// The OSS routes ComfyUI clients call: each bare route also under <c>/api</c> (ComfyUI mounts every route twice),
/// <c>POST /free</c>, <c>GET /extensions</c>, and a JSON 404 for a route that does not exist.
/// </summary>
public sealed class OssRoutesTests(SqliteServerFixture fixture) : ServerTestBase(fixture), IClassFixture<SqliteServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Every_bare_route_has_its_api_twin_with_the_same_methods()
    {
        var routes = Server.GetService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'), Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"]))
            .ToList();
        var served = routes.SelectMany(r => r.Methods.Select(m => $"{m} {r.Pattern}")).ToHashSet(StringComparer.Ordinal);
        // Gantry's own pages (the root redirect, the dashboard, the health probes, the Prometheus scrape) and what ComfyUI mounts once (/internal, /templates, the
        // editor's /user.css) have no /api twin, in ComfyUI either.
        string[] notTwinned = ["/mcp", "/openapi/", "/docs", "/dashboard", "/internal/", "/templates/", "/user.css"];
        var bare = routes.Where(r => !r.Pattern.StartsWith("/api/", StringComparison.Ordinal) && r.Pattern is not ("/healthz" or "/readyz" or "/metrics" or "/")
            && !notTwinned.Any(prefix => r.Pattern.StartsWith(prefix, StringComparison.Ordinal))).ToList();
        bare.Count.ShouldBeGreaterThan(10);

        var missing = bare.SelectMany(r => r.Methods.Select(m => $"{m} /api{r.Pattern}")).Where(twin => !served.Contains(twin)).ToList();
        missing.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("free")]
    [InlineData("api/free")]
    public async Task Free_is_accepted_with_an_empty_body_as_ComfyUI_answers(string path)
    {
        using var user = await Server.CreateUserAsync();
        using var response = await user.Client.PostAsync(path, TestWorkflows.Json("""{"unload_models": true, "free_memory": true}"""), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync(Ct)).ShouldBeEmpty();

        using var bad = await user.Client.PostAsync(path, TestWorkflows.Json("""{"unload_models": "yes"}"""), Ct);
        await bad.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_request");
        using var anonymous = Server.CreateClient(null);
        using var refused = await anonymous.PostAsync(path, TestWorkflows.Json("{}"), Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("extensions")]
    [InlineData("api/extensions")]
    public async Task Extensions_is_an_empty_list(string path)
    {
        using var user = await Server.CreateUserAsync();
        using var response = await user.Client.GetAsync(path, Ct);
        (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("GET", "no/such/route")]
    [InlineData("GET", "api/no-such-route")]
    [InlineData("POST", "api/prompts")]
    [InlineData("GET", "scripts/app.js")]
    public async Task An_unknown_route_is_a_JSON_404(string method, string path)
    {
        using var client = Server.CreateClient(Server.AdminKey);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
        var body = await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
        body.GetProperty("message").GetString().ShouldBe($"No route {method} /{path}.");

        // Without a key the answer says so first (no route is revealed to whom may not ask), never an empty body.
        using var anonymous = Server.CreateClient(null);
        using var refused = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
        await refused.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_admins_free_reaches_every_ComfyUI_worker_and_a_users_stays_in_Gantry()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(workers: 2);
        await FleetCatalogs.OnlineAsync(cluster.Server, 2);
        using var user = await cluster.Server.CreateUserAsync();
        using (var response = await user.Client.PostAsync("free", TestWorkflows.Json("""{"unload_models": true}"""), Ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var admin = cluster.Server.CreateAdminClient();
        using (var response = await admin.PostAsync("api/free", TestWorkflows.Json("""{"unload_models": true, "free_memory": false}"""), Ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        foreach (var fake in cluster.Fakes)
        {
            var request = fake.FreeRequests.ShouldHaveSingleItem();
            JsonDocument.Parse(request.ToJsonBytes()).RootElement.GetRawText().ShouldBe("""{"unload_models":true,"free_memory":false}""");
        }
    }
}
