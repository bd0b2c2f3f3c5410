using System.Net;
using System.Text.Json;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SkiaSharp;

namespace Gantry.Tests.Mcp;

/// <summary>
/// Every MCP tool on its happy path, driven by the official C# client over both transports: streamable HTTP on the
/// server's <c>/mcp</c>, and stdio to a real <c>gantry mcp</c> process. The server runs jobs on the embedded engine.
/// </summary>
public sealed class McpToolsTests(EmbeddedSqliteServerFixture fixture) : IClassFixture<EmbeddedSqliteServerFixture>
{
    public static readonly TheoryData<string> Transports = ["http", "stdio"];

    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task Every_tool_is_listed_with_a_description_and_schemas()
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await McpTestClients.HttpAsync(Server.BaseAddress, user.Key);
        client.ServerInfo!.Name.ShouldBe("gantry");
        client.ServerInstructions.ShouldNotBeNullOrWhiteSpace();

        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        tools.Select(t => t.Name).Order().ShouldBe(
        [
            "cancel_job", "get_history", "get_job", "get_job_status", "get_output", "get_queue",
            "list_jobs", "list_nodes", "submit_workflow", "upload_image", "wait_for_job",
        ]);
        tools.ShouldAllBe(t => t.Description.Length > 40);

        var submit = tools.Single(t => t.Name == "submit_workflow").JsonSchema;
        submit.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldBe(["workflow"]);
        submit.GetProperty("properties").GetProperty("workflow").GetProperty("type").GetString().ShouldBe("object");
        submit.GetProperty("properties").TryGetProperty("input_overrides", out _).ShouldBeTrue();

        // The call's own context (progress token, session) is bound by the SDK, not asked of the model.
        var wait = tools.Single(t => t.Name == "wait_for_job").JsonSchema;
        wait.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ShouldBe(["prompt_id", "timeout_seconds"]);

        var status = tools.Single(t => t.Name == "get_job_status");
        status.JsonSchema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldBe(["prompt_id"]);
        var output = status.ReturnJsonSchema!.Value.GetProperty("properties");
        foreach (var field in (string[])["found", "running", "pending", "done", "status", "status_str", "error", "stats"])
        {
            output.TryGetProperty(field, out _).ShouldBeTrue(field);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_workflow_is_submitted_waited_for_and_its_outputs_read(string transport)
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await ConnectAsync(transport, user.Key);

        var submitted = (await client.CallAsync("submit_workflow", new
        {
            workflow = JsonDocument.Parse(TestWorkflows.Simple).RootElement,
            input_overrides = new Dictionary<string, object> { ["1"] = new { width = 16, height = 12 } },
        })).Structured();
        var id = submitted.GetProperty("prompt_id").GetString()!;
        submitted.GetProperty("queue_position").ValueKind.ShouldBeOneOf(JsonValueKind.Number, JsonValueKind.Null);

        var waited = (await client.CallAsync("wait_for_job", new { prompt_id = id, timeout_seconds = 60 })).Structured();
        waited.GetProperty("done").GetBoolean().ShouldBeTrue();
        waited.GetProperty("timed_out").GetBoolean().ShouldBeFalse();
        waited.GetProperty("next").ValueKind.ShouldBe(JsonValueKind.Null);

        var status = (await client.CallAsync("get_job_status", new { prompt_id = id })).Structured();
        status.GetProperty("found").GetBoolean().ShouldBeTrue();
        status.GetProperty("done").GetBoolean().ShouldBeTrue();
        status.GetProperty("running").GetBoolean().ShouldBeFalse();
        status.GetProperty("pending").GetBoolean().ShouldBeFalse();
        status.GetProperty("status").GetString().ShouldBe("completed");
        status.GetProperty("status_str").GetString().ShouldBe("success");
        status.GetProperty("error").ValueKind.ShouldBe(JsonValueKind.Null);
        var stats = status.GetProperty("stats");
        stats.GetProperty("queued_at").GetString().ShouldNotBeNull();
        stats.GetProperty("started_at").GetString().ShouldNotBeNull();
        stats.GetProperty("finished_at").GetString().ShouldNotBeNull();
        stats.GetProperty("duration_seconds").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
        stats.GetProperty("outputs_count").GetInt32().ShouldBe(1);
        var file = status.GetProperty("outputs")[0];
        file.GetProperty("node_id").GetString().ShouldBe("3");
        file.GetProperty("filename").GetString()!.ShouldEndWith(".png");

        var output = await client.CallAsync("get_output", new { prompt_id = id });
        output.IsError.ShouldNotBe(true, output.Text());
        output.Text().ShouldContain(file.GetProperty("filename").GetString()!);
        var image = output.Content.OfType<ImageContentBlock>().ShouldHaveSingleItem();
        image.MimeType.ShouldBe("image/png");
        image.DecodedData.Span[..4].ToArray().ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47 });

        var detail = (await client.CallAsync("get_job", new { prompt_id = id })).Json();
        detail.GetProperty("status").GetString().ShouldBe("completed");
        detail.GetProperty("workflow").GetProperty("prompt").GetProperty("1").GetProperty("inputs").GetProperty("width").GetInt32().ShouldBe(16);

        var history = (await client.CallAsync("get_history", new { max_items = 5 })).StructuredList();
        var entry = history.EnumerateArray().ShouldHaveSingleItem();
        entry.GetProperty("prompt_id").GetString().ShouldBe(id);
        entry.GetProperty("status_str").GetString().ShouldBe("success");
        entry.GetProperty("outputs")[0].GetProperty("filename").GetString().ShouldBe(file.GetProperty("filename").GetString());

        var listed = (await client.CallAsync("list_jobs", new { status = "completed", limit = 10 })).Json();
        listed.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()).ShouldBe([id]);
        listed.GetProperty("pagination").GetProperty("total").GetInt32().ShouldBe(1);
        var none = (await client.CallAsync("list_jobs", new { status = "failed" })).Json();
        none.GetProperty("jobs").GetArrayLength().ShouldBe(0);

        var queue = (await client.CallAsync("get_queue")).Structured();
        queue.GetProperty("running").GetArrayLength().ShouldBe(0);
        queue.GetProperty("pending").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task An_image_uploaded_with_upload_image_runs_through_LoadImage_and_comes_back_from_get_output()
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await McpTestClients.HttpAsync(Server.BaseAddress, user.Key);
        var png = TestFiles.Png(6, 3, SKColors.Orange);

        var uploaded = (await client.CallAsync("upload_image", new { filename = "mcp-cat.png", image_base64 = Convert.ToBase64String(png) })).Structured();
        uploaded.GetProperty("name").GetString().ShouldBe("mcp-cat.png");
        uploaded.GetProperty("subfolder").GetString().ShouldBe("");
        uploaded.GetProperty("type").GetString().ShouldBe("input");

        var workflow = """
            {"1": {"class_type": "LoadImage", "inputs": {"image": "mcp-cat.png"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "mcp-upload"}}}
            """;
        var submitted = await client.CallAsync("submit_workflow", new { workflow = JsonDocument.Parse(workflow).RootElement });
        submitted.IsError.ShouldNotBe(true, submitted.Text());
        var id = submitted.Structured().GetProperty("prompt_id").GetString()!;

        var waited = (await client.CallAsync("wait_for_job", new { prompt_id = id, timeout_seconds = 60 })).Structured();
        waited.GetProperty("done").GetBoolean().ShouldBeTrue();
        waited.GetProperty("job").GetProperty("status").GetString().ShouldBe("completed");

        var output = await client.CallAsync("get_output", new { prompt_id = id });
        output.IsError.ShouldNotBe(true, output.Text());
        output.Text().ShouldContain("mcp-upload_");
        var image = output.Content.OfType<ImageContentBlock>().ShouldHaveSingleItem();
        image.MimeType.ShouldBe("image/png");
        using var decoded = SKBitmap.Decode(image.DecodedData.ToArray()).ShouldNotBeNull();
        (decoded.Width, decoded.Height).ShouldBe((6, 3));
        decoded.GetPixel(5, 2).ShouldBe(SKColors.Orange);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Files_that_are_not_images_come_back_as_signed_links_that_need_no_key(string transport)
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await ConnectAsync(transport, user.Key);
        var text = (await client.CallAsync("submit_workflow", new { workflow = JsonDocument.Parse(EngineTestNodes.SaveTextGraph("plain words")).RootElement }))
            .Structured().GetProperty("prompt_id").GetString()!;
        var image = (await client.CallAsync("submit_workflow", new { workflow = JsonDocument.Parse(TestWorkflows.Simple).RootElement }))
            .Structured().GetProperty("prompt_id").GetString()!;
        (await client.CallAsync("wait_for_job", new { prompt_id = text, timeout_seconds = 60 })).Structured().GetProperty("done").GetBoolean().ShouldBeTrue();
        (await client.CallAsync("wait_for_job", new { prompt_id = image, timeout_seconds = 60 })).Structured().GetProperty("done").GetBoolean().ShouldBeTrue();

        using var anonymous = new HttpClient { Timeout = TestTimeouts.Default };
        var textLink = (await client.CallAsync("get_output", new { prompt_id = text })).Content.OfType<ResourceLinkBlock>().ShouldHaveSingleItem();
        textLink.Name.ShouldEndWith(".txt");
        textLink.MimeType.ShouldBe("text/plain");
        (await anonymous.GetStringAsync(textLink.Uri, TestContext.Current.CancellationToken)).ShouldBe("plain words");

        var imageAsLink = await client.CallAsync("get_output", new { prompt_id = image, max_images = 0 });
        imageAsLink.Content.OfType<ImageContentBlock>().ShouldBeEmpty();
        var pngLink = imageAsLink.Content.OfType<ResourceLinkBlock>().ShouldHaveSingleItem();
        pngLink.MimeType.ShouldBe("image/png");
        (await anonymous.GetByteArrayAsync(pngLink.Uri, TestContext.Current.CancellationToken))[..4].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47 });
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_failed_job_reports_the_node_the_exception_type_and_the_message(string transport)
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await ConnectAsync(transport, user.Key);
        var id = (await client.CallAsync("submit_workflow", new { workflow = JsonDocument.Parse(EngineTestNodes.FailGraph("the disk is on fire")).RootElement }))
            .Structured().GetProperty("prompt_id").GetString()!;

        var waited = (await client.CallAsync("wait_for_job", new { prompt_id = id, timeout_seconds = 60 })).Structured();
        waited.GetProperty("done").GetBoolean().ShouldBeTrue();
        var job = waited.GetProperty("job");
        job.GetProperty("status").GetString().ShouldBe("failed");
        job.GetProperty("status_str").GetString().ShouldBe("error");
        var error = job.GetProperty("error");
        error.GetProperty("node_id").GetString().ShouldBe("2");
        error.GetProperty("node_type").GetString().ShouldBe("TestFail");
        error.GetProperty("type").GetString().ShouldBe("ValueError");
        error.GetProperty("message").GetString().ShouldBe("the disk is on fire");
        job.GetProperty("stats").GetProperty("outputs_count").GetInt32().ShouldBe(0);

        var output = await client.CallAsync("get_output", new { prompt_id = id });
        output.Text().ShouldContain("0 output file(s)");
        output.Content.OfType<ImageContentBlock>().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_running_job_is_in_the_queue_a_short_wait_times_out_with_a_handle_and_cancel_ends_it()
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await McpTestClients.HttpAsync(Server.BaseAddress, user.Key);
        var gate = $"mcp-{Guid.NewGuid():N}";
        var running = (await client.CallAsync("submit_workflow", new { workflow = JsonDocument.Parse(EngineTestNodes.GateGraph(gate)).RootElement }))
            .Structured().GetProperty("prompt_id").GetString()!;
        await JobWaiter.ReachedAsync(Server, TestGate.Named(gate));
        await JobWaiter.StateAsync(Server, Guid.Parse(running), Gantry.Domain.JobState.Running);
        var waiting = (await client.CallAsync("submit_workflow", new { workflow = JsonDocument.Parse(TestWorkflows.Simple).RootElement })).Structured();
        waiting.GetProperty("queue_position").GetInt32().ShouldBe(1);

        var queue = (await client.CallAsync("get_queue")).Structured();
        queue.GetProperty("running").EnumerateArray().Select(e => e.GetProperty("prompt_id").GetString()).ShouldBe([running]);
        queue.GetProperty("running")[0].GetProperty("position").GetInt32().ShouldBe(0);
        queue.GetProperty("pending").EnumerateArray().Select(e => e.GetProperty("prompt_id").GetString()).ShouldBe([waiting.GetProperty("prompt_id").GetString()]);

        var status = (await client.CallAsync("get_job_status", new { prompt_id = running })).Structured();
        status.GetProperty("running").GetBoolean().ShouldBeTrue();
        status.GetProperty("done").GetBoolean().ShouldBeFalse();
        status.GetProperty("status").GetString().ShouldBe("in_progress");
        status.GetProperty("stats").ValueKind.ShouldBe(JsonValueKind.Null);

        var timedOut = (await client.CallAsync("wait_for_job", new { prompt_id = running, timeout_seconds = 1 })).Structured();
        timedOut.GetProperty("timed_out").GetBoolean().ShouldBeTrue();
        timedOut.GetProperty("done").GetBoolean().ShouldBeFalse();
        timedOut.GetProperty("prompt_id").GetString().ShouldBe(running);
        timedOut.GetProperty("next").GetString()!.ShouldContain("call wait_for_job with prompt_id " + running);

        var cancelled = (await client.CallAsync("cancel_job", new { prompt_id = running })).Structured();
        cancelled.GetProperty("cancelled").GetBoolean().ShouldBeTrue();
        var ended = (await client.CallAsync("wait_for_job", new { prompt_id = running, timeout_seconds = 60 })).Structured();
        ended.GetProperty("done").GetBoolean().ShouldBeTrue();
        ended.GetProperty("job").GetProperty("status").GetString().ShouldBe("cancelled");
        ended.GetProperty("job").GetProperty("error").GetProperty("message").GetString().ShouldBe("Cancelled by the user.");

        // The Cloud vocabulary says cancelled while the worker still stops it; once stopped, a cancel changes nothing.
        await JobWaiter.StateAsync(Server, Guid.Parse(running), Gantry.Domain.JobState.Cancelled);
        var again = (await client.CallAsync("cancel_job", new { prompt_id = running })).Structured();
        again.GetProperty("cancelled").GetBoolean().ShouldBeFalse();
        again.GetProperty("status").GetString().ShouldBe("cancelled");

        var next = (await client.CallAsync("wait_for_job", new { prompt_id = waiting.GetProperty("prompt_id").GetString(), timeout_seconds = 60 })).Structured();
        next.GetProperty("job").GetProperty("status").GetString().ShouldBe("completed");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_wait_reports_progress_per_node_while_the_job_runs(string transport)
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await ConnectAsync(transport, user.Key);
        var gate = $"mcp-{Guid.NewGuid():N}";
        var workflow = $$$$"""{"1": {"class_type": "TestGate", "inputs": {"gate": "{{{{gate}}}}"}}, "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}""";
        var id = (await client.CallAsync("submit_workflow", new { workflow = JsonDocument.Parse(workflow).RootElement })).Structured().GetProperty("prompt_id").GetString()!;
        await JobWaiter.ReachedAsync(Server, TestGate.Named(gate));

        var notes = System.Threading.Channels.Channel.CreateUnbounded<ProgressNotificationValue>();
        var wait = client.CallToolAsync(
            "wait_for_job",
            new Dictionary<string, object?> { ["prompt_id"] = id, ["timeout_seconds"] = 60 },
            new SynchronousProgress(v => notes.Writer.TryWrite(v)),
            cancellationToken: TestContext.Current.CancellationToken).AsTask();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        (await notes.Reader.ReadAsync(timeout.Token)).Message.ShouldBe($"Waiting for job {id}.");
        TestGate.Named(gate).Open();
        var messages = new List<string>();
        var result = await wait.WaitAsync(timeout.Token);
        result.Structured().GetProperty("job").GetProperty("status").GetString().ShouldBe("completed");

        // The SDK hands notifications to the progress handler apart from the call's result, so one sent before the
        // result may still be on its way when the result is in: read on until node 2's start (bounded).
        var expected = $"Job {id}: node 2 started.";
        while (!messages.Contains(expected))
        {
            ProgressNotificationValue note;
            try
            {
                note = await notes.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new ShouldAssertException($"No '{expected}' note; notes after the first: {string.Join(" | ", messages)}");
            }

            note.Progress.ShouldBe(messages.Count + 2);
            messages.Add(note.Message!);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Images_are_uploaded_from_base64_and_over_stdio_from_a_path(string transport)
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await ConnectAsync(transport, user.Key);
        var png = await File.ReadAllBytesAsync(RepositoryPaths.Example("inputs/gantry-sample.png"), TestContext.Current.CancellationToken);
        var uploaded = (await client.CallAsync("upload_image", new { filename = "fox.png", image_base64 = Convert.ToBase64String(png) })).Structured();
        uploaded.GetProperty("name").GetString().ShouldBe("fox.png");
        uploaded.GetProperty("subfolder").GetString().ShouldBe("");
        uploaded.GetProperty("type").GetString().ShouldBe("input");
        var again = (await client.CallAsync("upload_image", new { filename = "fox.png", image_base64 = Convert.ToBase64String(png), subfolder = "mcp", overwrite = true })).Structured();
        again.GetProperty("subfolder").GetString().ShouldBe("mcp");

        // The upload is the user's input file, as /view serves it back.
        var stored = await user.Client.GetByteArrayAsync("view?filename=fox.png&subfolder=mcp&type=input", TestContext.Current.CancellationToken);
        stored.ShouldBe(png);

        if (transport == "stdio")
        {
            using var folder = new TempDirectory();
            var path = Path.Combine(folder.Path, "local.png");
            await File.WriteAllBytesAsync(path, png, TestContext.Current.CancellationToken);
            var fromPath = (await client.CallAsync("upload_image", new { filename = "local.png", path })).Structured();
            fromPath.GetProperty("name").GetString().ShouldBe("local.png");
        }
    }

    [Fact]
    public async Task The_node_catalog_is_summarised_and_filtered()
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await McpTestClients.HttpAsync(Server.BaseAddress, user.Key);
        var all = (await client.CallAsync("list_nodes")).StructuredList();
        all.GetArrayLength().ShouldBeGreaterThan(20);
        var names = all.EnumerateArray().Select(n => n.GetProperty("name").GetString()!).ToList();
        names.ShouldContain("SaveImage");
        names.ShouldBe(names.Order(StringComparer.Ordinal).ToList());

        var invert = (await client.CallAsync("list_nodes", new { filter = "imageinvert" })).StructuredList().EnumerateArray().ShouldHaveSingleItem();
        invert.GetProperty("name").GetString().ShouldBe("ImageInvert");
        invert.GetProperty("outputs").EnumerateArray().Select(o => o.GetString()).ShouldBe(["IMAGE"]);
        var input = invert.GetProperty("inputs").EnumerateArray().ShouldHaveSingleItem();
        input.GetProperty("name").GetString().ShouldBe("image");
        input.GetProperty("type").GetString().ShouldBe("IMAGE");
        input.GetProperty("required").GetBoolean().ShouldBeTrue();

        var rotate = (await client.CallAsync("list_nodes", new { filter = "ImageRotate" })).StructuredList()[0];
        var rotation = rotate.GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "rotation");
        rotation.GetProperty("type").GetString().ShouldBe("COMBO");
        rotation.GetProperty("choices").EnumerateArray().Select(c => c.GetString()).ShouldContain("90 degrees");

        var save = (await client.CallAsync("list_nodes", new { filter = "SaveImage" })).StructuredList().EnumerateArray().First(n => n.GetProperty("name").GetString() == "SaveImage");
        save.GetProperty("output_node").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task The_mcp_endpoint_needs_an_api_key()
    {
        using var anonymous = Server.CreateClient(null);
        using var body = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await anonymous.PostAsync("mcp", body, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("Missing API key");

        await Should.ThrowAsync<HttpRequestException>(() => McpTestClients.HttpAsync(Server.BaseAddress, "gk_wrong"));
    }

    internal static Task<McpClient> ConnectAsync(GantryTestServer server, string transport, string key)
        => transport == "http" ? McpTestClients.HttpAsync(server.BaseAddress, key) : McpTestClients.StdioAsync(server.BaseAddress.ToString(), key);

    private Task<McpClient> ConnectAsync(string transport, string key) => ConnectAsync(Server, transport, key);
}

/// <summary>Hands each progress value on at once, on the thread that reported it (Progress&lt;T&gt; would post it later).</summary>
internal sealed class SynchronousProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
{
    public void Report(ProgressNotificationValue value) => report(value);
}
