using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Events;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;
using SkiaSharp;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// A user's whole way through the real surface on the embedded engine: upload, submit, watch <c>/ws</c>, fetch the
/// output; and what another user sees of it (nothing on their socket, 403 on the job, no file).
/// </summary>
public abstract class EmbeddedJourneyTests(EmbeddedServerFixture fixture) : ServerTestBase(fixture)
{
    private static readonly byte[] Upload = TestFiles.Png(5, 4, SKColors.Teal);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_uploaded_image_runs_through_a_workflow_watched_on_the_socket_and_the_output_is_served_to_its_owner_only()
    {
        using var owner = await Server.CreateUserAsync();
        using var stranger = await Server.CreateUserAsync();
        var (socket, greeting) = await TestSocket.OpenAsync(Server, owner.Key, clientId: "owner-tab");
        var (strangerSocket, _) = await TestSocket.OpenAsync(Server, stranger.Key);
        await using (socket)
        await using (strangerSocket)
        {
            greeting.GetProperty("data").GetProperty("sid").GetString().ShouldBe("owner-tab");

            var uploaded = await UploadAsync(owner.Client, "journey.png", Upload);
            var id = await JobWaiter.SubmitAsync(owner.Client, EngineTestNodes.LoadStepsSaveGraph(uploaded, "journey"));

            var frames = await SocketJournal.ReadJobAsync(socket, id);
            // Progress between the first and the last step is throttled by time, as ComfyUI's is: it may or may not come.
            SocketJournal.Outline(frames, id).Where(o => o != "progress:2/3").ShouldBe(
            [
                "execution_start", "execution_cached",
                "executing:1", "executing:2", "progress:1/3", "progress:3/3", "executing:3", "executed:3",
                "execution_success", "executing:null",
            ]);
            frames.Single(f => f.Type == "execution_cached").Data.GetProperty("nodes").GetArrayLength().ShouldBe(0);
            frames.First(f => f.Type == "progress").Data.GetProperty("node").GetString().ShouldBe("2");
            await QueueEmptiedAsync(socket, frames);

            var status = await JobWaiter.StatusAsync(Server, owner.Client, id, "completed");
            status.GetProperty("assigned_inference").GetString().ShouldBe("embedded-1");
            var image = (await JobWaiter.DetailAsync(owner.Client, id)).GetProperty("outputs").GetProperty("3").GetProperty("images")[0];
            var query = $"filename={Uri.EscapeDataString(image.GetProperty("filename").GetString()!)}&subfolder={image.GetProperty("subfolder").GetString()}&type=output";
            var executed = frames.Single(f => f.Type == "executed").Data.GetProperty("output").GetProperty("images")[0];
            executed.GetProperty("filename").GetString().ShouldBe(image.GetProperty("filename").GetString());

            var bytes = await FetchSignedAsync(owner.Client, query);
            var decoded = SKBitmap.Decode(bytes).ShouldNotBeNull();
            (decoded.Width, decoded.Height).ShouldBe((5, 4));
            await ServesRangeAsync(owner.Client, query, bytes);

            await StrangerIsKeptOutAsync(stranger, id, query);

            // The stranger's socket saw none of it: their own job's messages are the first that name any job.
            var theirs = await JobWaiter.SubmitAsync(stranger.Client, JobWaiter.PrimitivesWorkflow);
            var seen = await SocketJournal.ReadJobAsync(strangerSocket, theirs);
            seen.Where(f => f.PromptId is not null).ShouldAllBe(f => f.PromptId == theirs.ToString("D"));
            seen.Where(f => f.Type == "status").ShouldAllBe(f => f.Data.GetProperty("status").GetProperty("exec_info").GetProperty("queue_remaining").GetInt32() <= 1);
        }
    }

    [Fact]
    public async Task The_same_workflow_again_is_served_from_the_cache_and_says_so()
    {
        using var user = await Server.CreateUserAsync();
        var uploaded = await UploadAsync(user.Client, "again.png", TestFiles.Png(3, 3, SKColors.Olive));
        var graph = EngineTestNodes.LoadStepsSaveGraph(uploaded, "again");
        var (socket, _) = await TestSocket.OpenAsync(Server, user.Key);
        await using (socket)
        {
            var first = await JobWaiter.SubmitAsync(user.Client, graph);
            await SocketJournal.ReadJobAsync(socket, first);
            var second = await JobWaiter.SubmitAsync(user.Client, graph);
            var frames = await SocketJournal.ReadJobAsync(socket, second);

            var outline = SocketJournal.Outline(frames, second);
            outline[..2].ShouldBe(["execution_start", "execution_cached"]);
            outline.ShouldNotContain(o => o.StartsWith("progress", StringComparison.Ordinal));
            outline[^2..].ShouldBe(["execution_success", "executing:null"]);
            var cached = frames.Single(f => f.Type == "execution_cached").Data.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).ToList();
            cached.ShouldContain("1");
            cached.ShouldContain("2");
            (await JobWaiter.StatusAsync(Server, user.Client, second, "completed")).GetProperty("error_message").ValueKind.ShouldBe(JsonValueKind.Null);
        }
    }

    [Fact]
    public async Task LoadImage_is_checked_at_submit_against_the_submitting_users_own_uploads()
    {
        using var owner = await Server.CreateUserAsync();
        using var stranger = await Server.CreateUserAsync();
        var uploaded = await UploadAsync(owner.Client, "mine.png", TestFiles.Png(2, 2, SKColors.Navy));
        var graph = EngineTestNodes.LoadStepsSaveGraph(uploaded, "mine");

        var id = await JobWaiter.SubmitAsync(owner.Client, graph);
        await JobWaiter.StatusAsync(Server, owner.Client, id, "completed");

        using var refused = await stranger.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(graph)), Ct);
        var error = await refused.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "prompt_outputs_failed_validation");
        var nodeError = error.GetProperty("node_errors").GetProperty("1").GetProperty("errors")[0];
        nodeError.GetProperty("type").GetString().ShouldBe("custom_validation_failed");
        nodeError.GetProperty("details").GetString().ShouldBe($"image - Invalid image file: {uploaded}");
    }

    private static async Task<string> UploadAsync(HttpClient client, string filename, byte[] content)
    {
        using var form = UploadApiTests.Form(filename, content);
        using var response = await client.PostAsync("api/upload/image", form, Ct);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        json.GetProperty("type").GetString().ShouldBe("input");
        return json.GetProperty("name").GetString()!;
    }

    /// <summary>A <c>status</c> with an empty queue follows the job (now, or already among the frames read).</summary>
    private static async Task QueueEmptiedAsync(TestSocket socket, List<SocketFrame> frames)
    {
        static bool Empty(SocketFrame f) => f.Type == "status" && f.Data.GetProperty("status").GetProperty("exec_info").GetProperty("queue_remaining").GetInt32() == 0;
        if (!frames.Any(Empty))
        {
            await SocketJournal.ReadUntilAsync(socket, Empty);
        }
    }

    /// <summary><c>/api/view</c> answers 302 to a signed link; the link serves the PNG without any key.</summary>
    private async Task<byte[]> FetchSignedAsync(HttpClient client, string query)
    {
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.BaseAddress };
        noRedirects.DefaultRequestHeaders.Add("X-API-Key", client.DefaultRequestHeaders.GetValues("X-API-Key").Single());
        using var redirect = await noRedirects.GetAsync($"api/view?{query}", Ct);
        redirect.StatusCode.ShouldBe(HttpStatusCode.Found);
        var location = redirect.Headers.Location.ShouldNotBeNull();

        using var anonymous = Server.CreateClient(apiKey: null);
        using var file = await anonymous.GetAsync(location, Ct);
        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        file.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        return await file.Content.ReadAsByteArrayAsync(Ct);
    }

    private static async Task ServesRangeAsync(HttpClient client, string query, byte[] whole)
    {
        using (var full = await client.GetAsync($"view?{query}", Ct))
        {
            full.StatusCode.ShouldBe(HttpStatusCode.OK);
            full.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
            (await full.Content.ReadAsByteArrayAsync(Ct)).ShouldBe(whole);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"view?{query}");
        request.Headers.Range = new RangeHeaderValue(8, 15);
        using var partial = await client.SendAsync(request, Ct);
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        partial.Content.Headers.ContentRange!.ToString().ShouldBe($"bytes 8-15/{whole.Length}");
        (await partial.Content.ReadAsByteArrayAsync(Ct)).ShouldBe(whole[8..16]);
    }

    /// <summary>The job is someone else's (403 on every job route); its files are not theirs to find (404: files are looked up per user).</summary>
    private static async Task StrangerIsKeptOutAsync(TestUser stranger, Guid id, string fileQuery)
    {
        foreach (var path in new[] { $"api/job/{id}/status", $"api/jobs/{id}" })
        {
            using var response = await stranger.Client.GetAsync(path, Ct);
            await response.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        using (var cancel = await stranger.Client.PostAsync($"api/jobs/{id}/cancel", null, Ct))
        {
            await cancel.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        foreach (var path in new[] { $"view?{fileQuery}", $"api/view?{fileQuery}" })
        {
            using var response = await stranger.Client.GetAsync(path, Ct);
            await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
        }
    }
}

public sealed class EmbeddedJourneySqliteTests(EmbeddedSqliteServerFixture fixture) : EmbeddedJourneyTests(fixture), IClassFixture<EmbeddedSqliteServerFixture>;

public sealed class EmbeddedJourneyPostgresTests(EmbeddedPostgresServerFixture fixture) : EmbeddedJourneyTests(fixture), IClassFixture<EmbeddedPostgresServerFixture>;
