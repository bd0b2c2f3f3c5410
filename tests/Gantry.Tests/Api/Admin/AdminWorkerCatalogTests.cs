using System.Net;
using System.Text.Json;
using Gantry.Tests.EndToEnd;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Admin;

/// <summary>
/// The node and model counts <c>/api/admin/workers</c> shows for a ComfyUI worker: what the (fake) ComfyUI's
/// <c>/object_info</c> and <c>/models</c> list, counted by Gantry from its probe.
/// </summary>
public sealed class AdminWorkerCatalogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_comfyui_worker_shows_the_node_and_model_counts_of_its_catalog()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(arrange: (_, fake) =>
        {
            fake.Models["loras"] = ["detail.safetensors", "style.safetensors", "light.safetensors"];
            fake.Models["vae"] = ["vae-ft.safetensors"];
        });
        await FleetCatalogs.OnlineAsync(cluster.Server, 1);

        // The fake's own answer, read as any client would.
        using var direct = new HttpClient { BaseAddress = cluster.Fakes[0].BaseAddress };
        using var objectInfo = JsonDocument.Parse(await direct.GetStringAsync("object_info", Ct));
        var nodes = objectInfo.RootElement.EnumerateObject().Count();
        nodes.ShouldBeGreaterThan(1);

        using var admin = cluster.Server.CreateAdminClient();
        using var response = await admin.GetAsync("api/admin/workers", Ct);
        var worker = (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).EnumerateArray().Single(w => w.GetProperty("name").GetString() == FakeWorkerCluster.NameOf(0));
        worker.GetProperty("has_catalog").GetBoolean().ShouldBeTrue();
        worker.GetProperty("nodes").GetInt32().ShouldBe(nodes);
        worker.GetProperty("models").GetInt32().ShouldBe(2 + 3 + 1);
    }

    [Fact]
    public async Task A_worker_never_probed_has_no_counts()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(workers: 0);
        using var admin = cluster.Server.CreateAdminClient();

        // Nothing listens at this address: the worker is added but never probed.
        using (var added = await admin.PostAsync("api/admin/workers", TestWorkflows.Json("""{"url": "http://127.0.0.1:9", "name": "nowhere"}"""), Ct))
        {
            var json = await added.ShouldBeJsonAsync(HttpStatusCode.Created);
            json.GetProperty("has_catalog").GetBoolean().ShouldBeFalse();
            json.GetProperty("nodes").ValueKind.ShouldBe(JsonValueKind.Null);
            json.GetProperty("models").ValueKind.ShouldBe(JsonValueKind.Null);
        }
    }
}
