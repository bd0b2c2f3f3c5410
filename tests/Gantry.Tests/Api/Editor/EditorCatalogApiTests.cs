using System.Net;
using Gantry.Tests.EndToEnd;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Editor;

/// <summary>The editor's catalog routes: models from the workers' lists, the caller's files, and the empty catalogs in their shapes.</summary>
public sealed class EditorCatalogApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Model_folders_and_files_come_from_the_workers_model_lists()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(workers: 1);
        await FleetCatalogs.OnlineAsync(cluster.Server, 1);
        using var anonymous = cluster.Server.CreateClient(null);
        using (var folders = await anonymous.GetAsync("api/experiment/models", Ct))
        {
            var body = await folders.JsonOkAsync();
            var checkpoints = body.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "checkpoints");
            checkpoints.GetProperty("folders").GetArrayLength().ShouldBe(0);
        }

        using (var files = await anonymous.GetAsync("api/experiment/models/checkpoints", Ct))
        {
            var names = (await files.JsonOkAsync()).EnumerateArray().ToList();
            names.Select(f => f.GetProperty("name").GetString()).ShouldBe(["sd15.safetensors", "sdxl.safetensors"]);
            names.ShouldAllBe(f => f.GetProperty("pathIndex").GetInt32() == 0);
        }

        using (var unknown = await anonymous.GetAsync("api/experiment/models/nope", Ct))
        {
            await unknown.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
        }

        using var user = await cluster.Server.CreateUserAsync();
        using (var metadata = await user.Client.GetAsync("api/view_metadata/checkpoints?filename=sd15.safetensors", Ct))
        {
            (await metadata.JsonOkAsync()).EnumerateObject().ShouldBeEmpty(); // the worker has the file, but no metadata in it
        }

        using (var metadata = await user.Client.GetAsync("view_metadata/checkpoints?filename=sdxl.safetensors", Ct))
        {
            (await metadata.JsonOkAsync()).GetProperty("modelspec.title").GetString().ShouldBe("checkpoints model"); // the worker's answer
        }

        using (var missing = await user.Client.GetAsync("api/view_metadata/checkpoints?filename=other.safetensors", Ct))
        {
            await missing.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
        }

        using var paths = await user.Client.GetAsync("internal/folder_paths", Ct);
        (await paths.JsonOkAsync()).GetProperty("checkpoints").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task The_input_listing_is_the_callers_uploads_and_logs_are_for_admins()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var alice = await server.CreateUserAsync();
        using var bob = await server.CreateUserAsync();
        using (var form = Gantry.Tests.Api.Comfy.UploadApiTests.Form("cat.png", Gantry.Tests.Api.Comfy.TestFiles.Png(4, 4)))
        using (var uploaded = await alice.Client.PostAsync("api/upload/image", form, Ct))
        {
            uploaded.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var mine = await alice.Client.GetAsync("internal/files/input", Ct))
        {
            (await mine.JsonOkAsync()).EnumerateArray().Select(f => f.GetString()).ShouldBe(["cat.png"]);
        }

        using (var theirs = await bob.Client.GetAsync("api/internal/files/input", Ct))
        {
            (await theirs.JsonOkAsync()).GetArrayLength().ShouldBe(0);
        }

        using (var bad = await bob.Client.GetAsync("internal/files/models", Ct))
        {
            await bad.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_parameter");
        }

        using (var logs = await bob.Client.GetAsync("internal/logs", Ct))
        {
            await logs.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        using var admin = server.CreateAdminClient();
        using var adminLogs = await admin.GetAsync("internal/logs", Ct);
        adminLogs.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_models_preview_comes_from_the_worker_that_has_it_without_a_key()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(workers: 1);
        await FleetCatalogs.OnlineAsync(cluster.Server, 1);
        using var anonymous = cluster.Server.CreateClient(null);
        const string Spec = "/api/experiment/models/preview/{folder}/{path_index}/{filename}";
        var preview = await Cloud.Conformance.SpecCheck.GetAsync(anonymous, "api/experiment/models/preview/checkpoints/0/sdxl.webp", Spec);
        preview.MediaType.ShouldBe("image/webp");
        preview.Body.ShouldBe(FakeComfyUi.FakeComfyUiServer.PreviewBytes); // the worker's image

        using (var bare = await anonymous.GetAsync("experiment/models/preview/checkpoints/0/sdxl.webp", Ct))
        {
            bare.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // The worker has the model but no preview of it; no worker has the model; a path index that is no number.
        foreach (var path in (string[])["checkpoints/0/sd15.webp", "checkpoints/0/other.webp", "loras/0/sdxl.webp", "checkpoints/x/sdxl.webp"])
        {
            await Cloud.Conformance.SpecCheck.GetAsync(anonymous, "api/experiment/models/preview/" + path, Spec, HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task The_log_panels_routes_answer_admins_in_its_shape_and_refuse_others()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var user = await server.CreateUserAsync();
        using var admin = server.CreateAdminClient();
        using var subscription = new StringContent("""{"enabled": true, "clientId": "abc"}""", System.Text.Encoding.UTF8, "application/json");
        foreach (var prefix in (string[])["", "api/"])
        {
            using (var raw = await admin.GetAsync(prefix + "internal/logs/raw", Ct))
            {
                var body = await raw.JsonOkAsync();
                body.GetProperty("entries").GetArrayLength().ShouldBe(0);
                body.GetProperty("size").GetProperty("cols").GetInt32().ShouldBeGreaterThan(0);
            }

            using (var subscribed = await admin.PatchAsync(prefix + "internal/logs/subscribe", subscription, Ct))
            {
                subscribed.StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            using (var refused = await user.Client.GetAsync(prefix + "internal/logs/raw", Ct))
            {
                await refused.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
            }

            using var notSubscribed = await user.Client.PatchAsync(prefix + "internal/logs/subscribe", subscription, Ct);
            await notSubscribed.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Theory]
    [InlineData("api/i18n", "{}")]
    [InlineData("api/workflow_templates", "{}")]
    [InlineData("api/global_subgraphs", "{}")]
    [InlineData("api/node_replacements", "{}")]
    [InlineData("templates/index.json", "[]")]
    [InlineData("templates/index_logo.json", "{}")]
    [InlineData("templates/fuse_options.json", "{}")]
    public async Task Catalogs_gantry_has_none_of_answer_empty_in_their_shape_without_a_key(string path, string body)
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var anonymous = server.CreateClient(null);
        using var response = await anonymous.GetAsync(path, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        (await response.Content.ReadAsStringAsync(Ct)).ShouldBe(body);

        using var subgraph = await anonymous.GetAsync("api/global_subgraphs/abc", Ct);
        await subgraph.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
        using var template = await anonymous.GetAsync("templates/..%2F..%2Fetc%2Fpasswd", Ct);
        template.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
