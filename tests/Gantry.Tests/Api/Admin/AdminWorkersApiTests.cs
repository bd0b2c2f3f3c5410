using System.Net;
using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Workers;

namespace Gantry.Tests.Api.Admin;

/// <summary><c>/api/admin/workers</c>: list, add, drain, remove, with live effect and persistence; admins only.</summary>
public sealed class AdminWorkersApiTests(FleetServerFixture fixture) : IClassFixture<FleetServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task Admins_list_every_worker_with_its_state_and_load()
    {
        using var admin = Server.CreateAdminClient();
        var workers = await ListAsync(admin);
        var embedded = workers["embedded-1"];
        embedded.GetProperty("kind").GetString().ShouldBe("embedded");
        embedded.GetProperty("url").ValueKind.ShouldBe(JsonValueKind.Null);
        embedded.GetProperty("state").GetString().ShouldBe("online");
        embedded.GetProperty("running").GetInt32().ShouldBe(0);
        embedded.GetProperty("slots").GetInt32().ShouldBe(2);
        embedded.GetProperty("has_catalog").GetBoolean().ShouldBeTrue();
        embedded.GetProperty("nodes").GetInt32().ShouldBe(Server.GetService<Gantry.Workers.WorkerPool>().LiveWorkers.Single(w => w.Name == "embedded-1").Capabilities!.Nodes.Count);
        embedded.GetProperty("models").GetInt32().ShouldBe(0);
        embedded.GetProperty("origin").GetString().ShouldBe("settings");
        workers["gpu"].GetProperty("kind").GetString().ShouldBe("scripted");
    }

    [Fact]
    public async Task A_worker_added_by_url_starts_at_once_is_kept_and_can_be_drained_and_removed()
    {
        using var admin = Server.CreateAdminClient();
        var name = $"gpu-{Guid.NewGuid():N}"[..12];
        using (var added = await admin.PostAsync("api/admin/workers", TestWorkflows.Json($$"""{"url": "http://10.0.0.7:8188", "name": "{{name}}", "auth_header": "Authorization: Bearer x"}"""), TestContext.Current.CancellationToken))
        {
            var json = await added.ShouldBeJsonAsync(HttpStatusCode.Created);
            added.Headers.Location!.ToString().ShouldBe($"/api/admin/workers/{name}");
            json.GetProperty("name").GetString().ShouldBe(name);
            json.GetProperty("origin").GetString().ShouldBe("registry");
            json.GetProperty("state").GetString().ShouldBe("online");
        }

        (await ListAsync(admin))[name].GetProperty("url").GetString().ShouldBe("http://10.0.0.7:8188");
        var saved = (await Server.Store.ListWorkersAsync(CancellationToken.None)).Single(w => w.Name == name);
        saved.AuthHeader.ShouldBe("Authorization: Bearer x");

        using (var duplicate = await admin.PostAsync("api/admin/workers", TestWorkflows.Json($$"""{"url": "http://10.0.0.8:8188", "name": "{{name}}"}"""), TestContext.Current.CancellationToken))
        {
            await duplicate.ShouldBeErrorAsync(HttpStatusCode.Conflict, "conflict");
        }

        using (var drained = await admin.PostAsync($"api/admin/workers/{name}/drain", null, TestContext.Current.CancellationToken))
        {
            (await drained.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("state").GetString().ShouldBe("draining");
        }

        (await Server.Store.ListWorkersAsync(CancellationToken.None)).Single(w => w.Name == name).Draining.ShouldBeTrue();

        using (var removed = await admin.DeleteAsync($"api/admin/workers/{name}", TestContext.Current.CancellationToken))
        {
            (await removed.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("name").GetString().ShouldBe(name);
        }

        (await ListAsync(admin)).ContainsKey(name).ShouldBeFalse();
        (await Server.Store.ListWorkersAsync(CancellationToken.None)).ShouldNotContain(w => w.Name == name);
        fixture.Workers[name].Disposed.ShouldBeTrue();

        using var again = await admin.DeleteAsync($"api/admin/workers/{name}", TestContext.Current.CancellationToken);
        await again.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Without_a_name_the_worker_is_named_after_its_host_and_port()
    {
        using var admin = Server.CreateAdminClient();
        using var added = await admin.PostAsync("api/admin/workers", TestWorkflows.Json("""{"url": "http://box-17.lan:8190/"}"""), TestContext.Current.CancellationToken);
        (await added.ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("name").GetString().ShouldBe("box-17.lan-8190");
        using var removed = await admin.DeleteAsync("api/admin/workers/box-17.lan-8190", TestContext.Current.CancellationToken);
        removed.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"name": "x"}""", "invalid_request")]
    [InlineData("""{"url": "ftp://x"}""", "invalid_request")]
    [InlineData("""{"url": "http://x:1", "name": "bad name!"}""", "invalid_request")]
    [InlineData("""{"url": "http://x:1", "auth_header": "no colon"}""", "invalid_request")]
    [InlineData("""{"url": 5}""", "invalid_request")]
    [InlineData("not json", "invalid_json")]
    public async Task Bad_requests_to_add_a_worker_are_refused(string body, string code)
    {
        using var admin = Server.CreateAdminClient();
        using var response = await admin.PostAsync("api/admin/workers", TestWorkflows.Json(body), TestContext.Current.CancellationToken);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Workers_from_settings_cannot_be_removed_at_run_time()
    {
        using var admin = Server.CreateAdminClient();
        using var response = await admin.DeleteAsync("api/admin/workers/embedded-1", TestContext.Current.CancellationToken);
        var error = await response.ShouldBeErrorAsync(HttpStatusCode.Conflict, "conflict");
        error.GetProperty("message").GetString()!.ShouldContain("settings");
        using var unknown = await admin.PostAsync("api/admin/workers/nobody/drain", null, TestContext.Current.CancellationToken);
        await unknown.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Only_admins_may_use_it()
    {
        using var user = await Server.CreateUserAsync();
        using (var list = await user.Client.GetAsync("api/admin/workers", TestContext.Current.CancellationToken))
        {
            await list.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        using (var add = await user.Client.PostAsync("api/admin/workers", TestWorkflows.Json("""{"url": "http://x:1"}"""), TestContext.Current.CancellationToken))
        {
            await add.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        using var anonymous = Server.CreateClient(apiKey: null);
        using var refused = await anonymous.GetAsync("api/admin/workers", TestContext.Current.CancellationToken);
        await refused.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static async Task<Dictionary<string, JsonElement>> ListAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync("api/admin/workers", TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return json.EnumerateArray().ToDictionary(w => w.GetProperty("name").GetString()!);
    }
}
