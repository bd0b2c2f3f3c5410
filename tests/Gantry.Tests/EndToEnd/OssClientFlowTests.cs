using System.Net;
using Gantry.Tests.Events;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Workers.ComfyUi;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// The way a ComfyUI script drives a server, against Gantry with a ComfyUI worker behind it: <c>/ws?clientId</c>,
/// <c>POST /prompt</c> with that client id, <c>/queue</c> while it runs, the final <c>executing</c>, then
/// <c>/history/{id}</c> and <c>/view</c> for the images.
/// </summary>
public sealed class OssClientFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_script_using_the_native_routes_gets_its_images_from_a_job_that_ran_on_a_worker()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(arrange: (_, fake) => fake.Script = FakeScripts.HoldThenNormal);
        using var user = await cluster.Server.CreateUserAsync();
        var (socket, greeting) = await TestSocket.OpenAsync(cluster.Server, user.Key, clientId: "script-1");
        await using (socket)
        {
            greeting.GetProperty("data").GetProperty("sid").GetString().ShouldBe("script-1");
            Guid id;
            using (var submit = await user.Client.PostAsync("prompt", TestWorkflows.Json($$"""{"prompt": {{ComfyUiWorkerHarness.TextToImage}}, "client_id": "script-1"}"""), Ct))
            {
                id = Guid.Parse((await submit.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("prompt_id").GetString()!);
            }

            var (_, run) = await cluster.RunOfAsync(id);
            await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
            await Scheduling.JobWaiter.StatusAsync(cluster.Server, user.Client, id, "in_progress");
            using (var queue = await user.Client.GetAsync("queue", Ct))
            {
                var json = await queue.ShouldBeJsonAsync(HttpStatusCode.OK);
                json.GetProperty("queue_running").EnumerateArray().Select(i => i[1].GetString()).ShouldBe([id.ToString("D")]);
                json.GetProperty("queue_running")[0][3].GetProperty("client_id").GetString().ShouldBe("script-1");
            }

            run.Release();
            await SocketJournal.ReadJobAsync(socket, id);

            // ComfyUI writes history before the final executing: a script reads it at once.
            using var history = await user.Client.GetAsync($"history/{id}", Ct);
            var item = (await history.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty(id.ToString("D"));
            item.GetProperty("status").GetProperty("status_str").GetString().ShouldBe("success");
            var image = item.GetProperty("outputs").GetProperty("9").GetProperty("images")[0];
            var query = $"filename={Uri.EscapeDataString(image.GetProperty("filename").GetString()!)}&subfolder={image.GetProperty("subfolder").GetString()}&type={image.GetProperty("type").GetString()}";
            using var view = await user.Client.GetAsync($"view?{query}", Ct);
            view.StatusCode.ShouldBe(HttpStatusCode.OK);
            view.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
            (await view.Content.ReadAsByteArrayAsync(Ct)).ShouldBe(FakePng.Distinct(id.ToString("D") + "9"));
        }
    }
}
