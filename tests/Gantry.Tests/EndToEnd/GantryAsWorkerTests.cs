using System.Net;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Events;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using SkiaSharp;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// Tiers: a real <c>gantry serve --no-auth --embedded-workers 1</c> process is a ComfyUI worker of another Gantry
/// (which runs no workers of its own). Jobs go through the first, run on the second, and come back.
/// </summary>
public sealed class GantryAsWorkerTests
{
    private const string InvertGraph = """
        {"1": {"class_type": "LoadImage", "inputs": {"image": "IMAGE"}},
         "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
         "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "tier"}}}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_LoadImage_of_a_file_never_uploaded_is_refused_at_the_front_as_the_gantry_behind_refuses_it()
    {
        using var workerData = new TempDirectory("gantry-tier2");
        await using var worker = await ServeProcess.StartAsync(["--data", workerData.Path, "--no-auth", "--embedded-workers", "1"]);
        await using var front = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string>
        {
            ["Gantry:Workers:ComfyUi:0:Name"] = "tier-2",
            ["Gantry:Workers:ComfyUi:0:Url"] = worker.BaseAddress.ToString(),
        });
        await FleetCatalogs.HasClassAsync(front, "LoadImage");
        using var user = await front.CreateUserAsync();
        var body = TestWorkflows.Body(InvertGraph.Replace("IMAGE", "never-uploaded.png", StringComparison.Ordinal));

        using var direct = worker.Client(null);
        using var behind = await direct.PostAsync("prompt", TestWorkflows.Json(body), Ct);
        var expected = await behind.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "prompt_outputs_failed_validation");

        using var refused = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(body), Ct);
        var answer = await refused.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "prompt_outputs_failed_validation");
        answer.GetProperty("node_errors").GetRawText().ShouldBe(expected.GetProperty("node_errors").GetRawText());
        answer.GetProperty("node_errors").GetProperty("1").GetProperty("errors")[0].GetProperty("details").GetString()
            .ShouldBe("image - Invalid image file: never-uploaded.png");
        using var jobs = await user.Client.GetAsync("api/jobs", Ct);
        (await jobs.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("jobs").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_job_submitted_to_the_front_runs_on_the_gantry_behind_it_and_comes_back_with_its_events_and_outputs(bool workerNeedsKey)
    {
        using var workerData = new TempDirectory("gantry-tier2");
        await using var worker = await ServeProcess.StartAsync(
            workerNeedsKey ? ["--data", workerData.Path, "--embedded-workers", "1"] : ["--data", workerData.Path, "--no-auth", "--embedded-workers", "1"]);
        var workerKey = (await File.ReadAllTextAsync(Path.Combine(workerData.Path, "admin-key"), Ct)).Trim();
        await using var front = await GantryTestServer.StartAsync(StoreKind.Sqlite);

        using (var admin = front.CreateAdminClient())
        {
            // A worker that needs a key gets it as a header on every request and on its WebSocket.
            var auth = workerNeedsKey ? $", \"auth_header\": \"X-API-Key: {workerKey}\"" : "";
            using var added = await admin.PostAsync("api/admin/workers", TestWorkflows.Json($$"""{"url": "{{worker.BaseAddress}}", "name": "tier-2"{{auth}}}"""), Ct);
            (await added.ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("name").GetString().ShouldBe("tier-2");
        }

        using var user = await front.CreateUserAsync();
        var input = TestFiles.Png(6, 2, SKColors.Gold);
        using (var form = UploadApiTests.Form("tier.png", input))
        using (var upload = await user.Client.PostAsync("api/upload/image", form, Ct))
        {
            (await upload.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("name").GetString().ShouldBe("tier.png");
        }

        var (socket, _) = await TestSocket.OpenAsync(front, user.Key);
        await using (socket)
        {
            var id = await JobWaiter.SubmitAsync(user.Client, InvertGraph.Replace("IMAGE", "tier.png", StringComparison.Ordinal));

            // The worker's events, relayed by the front to the owner's socket, in ComfyUI's order.
            var frames = await SocketJournal.ReadJobAsync(socket, id);
            SocketJournal.Outline(frames, id).ShouldBe(
                ["execution_start", "execution_cached", "executing:1", "executing:2", "executing:3", "executed:3", "execution_success", "executing:null"]);

            var status = await JobWaiter.StatusAsync(front, user.Client, id, "completed");
            status.GetProperty("assigned_inference").GetString().ShouldBe("tier-2");
            var detail = await JobWaiter.DetailAsync(user.Client, id);
            var image = detail.GetProperty("outputs").GetProperty("3").GetProperty("images")[0];
            var name = image.GetProperty("filename").GetString()!;
            name.ShouldStartWith("tier_");
            detail.GetProperty("execution_status").GetProperty("status_str").GetString().ShouldBe("success");

            // The same bytes the worker made, now kept by the front: served by it even once the worker is gone.
            using var direct = worker.Client(workerKey);
            var made = await direct.GetByteArrayAsync($"view?filename={name}&type=output", Ct);
            await worker.Process.KillAsync();

            using var served = await user.Client.GetAsync($"view?filename={name}&type=output&subfolder={image.GetProperty("subfolder").GetString()}", Ct);
            served.StatusCode.ShouldBe(HttpStatusCode.OK);
            served.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
            var bytes = await served.Content.ReadAsByteArrayAsync(Ct);
            bytes.ShouldBe(made);
            using var decoded = SKBitmap.Decode(bytes);
            var pixel = decoded.GetPixel(0, 0);
            ((double)pixel.Red).ShouldBe(255 - SKColors.Gold.Red, tolerance: 1.5);
            ((double)pixel.Green).ShouldBe(255 - SKColors.Gold.Green, tolerance: 1.5);
            ((double)pixel.Blue).ShouldBe(255 - SKColors.Gold.Blue, tolerance: 1.5);
            frames.Single(f => f.Type == "executed").Data.GetProperty("output").GetProperty("images")[0].GetProperty("filename").GetString().ShouldBe(name);
            frames.Where(f => f.PromptId is not null).ShouldAllBe(f => f.PromptId == id.ToString("D"));
        }
    }
}
