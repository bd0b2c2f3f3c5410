using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;

namespace Gantry.Tests.Mcp;

/// <summary>
/// Gantry's MCP server driven by an external client: the official TypeScript SDK (tests/clients) over streamable HTTP
/// with the X-API-Key header, and over stdio to the <c>gantry mcp</c> process it spawns. It checks every result
/// against the tool's output schema, so a schema that lies fails here.
/// </summary>
public sealed class McpTypeScriptClientTests(EmbeddedSqliteServerFixture fixture) : IClassFixture<EmbeddedSqliteServerFixture>
{
    private const string UnknownId = "0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11";

    private GantryTestServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(McpToolsTests.Transports), MemberType = typeof(McpToolsTests))]
    public async Task The_typescript_client_runs_an_example_workflow_end_to_end(string transport)
    {
        using var user = await Server.CreateUserAsync();
        var workflow = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryPaths.Example("blur-sharpen-composite.json"), TestContext.Current.CancellationToken)).RootElement;
        var session = await TypeScriptMcpClient.RunAsync(new
        {
            transport,
            url = Server.BaseAddress.ToString(),
            apiKey = user.Key,
            gantryDll = GantryProcess.GantryDll,
            calls = new object[]
            {
                new { tool = "submit_workflow", arguments = new { workflow, input_overrides = new Dictionary<string, object> { ["8"] = new { scale_by = 0.5 } } } },
                new { tool = "wait_for_job", arguments = new { prompt_id = "$ref:0.structuredContent.prompt_id", timeout_seconds = 100 } },
                new { tool = "get_job_status", arguments = new { prompt_id = "$ref:0.structuredContent.prompt_id" } },
                new { tool = "get_output", arguments = new { prompt_id = "$ref:0.structuredContent.prompt_id" } },
                new { tool = "get_queue", arguments = new { } },
                new { tool = "get_history", arguments = new { max_items = 3 } },
                new { tool = "list_jobs", arguments = new { status = "completed" } },
                new { tool = "list_nodes", arguments = new { filter = "ImageBlur" } },
                new { tool = "get_job_status", arguments = new { prompt_id = UnknownId } },
                new { tool = "get_job", arguments = new { prompt_id = UnknownId } },
                new { tool = "cancel_job", arguments = new { prompt_id = "$ref:0.structuredContent.prompt_id" } },
            },
        });

        session.GetProperty("server").GetProperty("name").GetString().ShouldBe("gantry");
        session.GetProperty("tools").GetArrayLength().ShouldBe(11);

        var id = session.Result(0).GetProperty("structuredContent").GetProperty("prompt_id").GetString()!;
        Guid.TryParse(id, out _).ShouldBeTrue();
        var waited = session.Result(1).GetProperty("structuredContent");
        waited.GetProperty("done").GetBoolean().ShouldBeTrue();
        waited.GetProperty("job").GetProperty("status").GetString().ShouldBe("completed", waited.ToString());

        var status = session.Result(2).GetProperty("structuredContent");
        status.GetProperty("status_str").GetString().ShouldBe("success");
        status.GetProperty("stats").GetProperty("outputs_count").GetInt32().ShouldBe(1);
        var filename = status.GetProperty("outputs")[0].GetProperty("filename").GetString()!;
        filename.ShouldStartWith("composite_");

        var content = session.Result(3).GetProperty("content");
        content[0].GetProperty("text").GetString()!.ShouldContain(filename);
        var image = content.EnumerateArray().Single(c => c.GetProperty("type").GetString() == "image");
        image.GetProperty("mimeType").GetString().ShouldBe("image/png");
        var png = Convert.FromBase64String(image.GetProperty("data").GetString()!);
        png[..4].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47 });
        // scale_by 0.5 of the 128×128 padded canvas: the override reached the graph.
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)).ShouldBe(64);

        session.Result(4).GetProperty("structuredContent").GetProperty("pending").GetArrayLength().ShouldBe(0);
        session.Result(5).GetProperty("structuredContent").GetProperty("result")[0].GetProperty("prompt_id").GetString().ShouldBe(id);
        var listed = JsonDocument.Parse(session.Result(6).GetProperty("content")[0].GetProperty("text").GetString()!).RootElement;
        listed.GetProperty("jobs")[0].GetProperty("id").GetString().ShouldBe(id);
        session.Result(7).GetProperty("structuredContent").GetProperty("result")[0].GetProperty("name").GetString().ShouldBe("ImageBlur");

        var unknown = session.Result(8).GetProperty("structuredContent");
        unknown.GetProperty("found").GetBoolean().ShouldBeFalse();
        unknown.GetProperty("done").GetBoolean().ShouldBeFalse();

        var error = session.Result(9);
        error.GetProperty("isError").GetBoolean().ShouldBeTrue();
        error.GetProperty("content")[0].GetProperty("text").GetString()!.ShouldContain($"Job {UnknownId} not found. (HTTP 404 not_found)");

        var lateCancel = session.Result(10).GetProperty("structuredContent");
        lateCancel.GetProperty("cancelled").GetBoolean().ShouldBeFalse();
        lateCancel.GetProperty("status").GetString().ShouldBe("completed");
    }

    [Fact]
    public async Task Without_a_key_the_typescript_client_is_refused_over_http()
    {
        var (exitCode, _, stderr) = await TypeScriptMcpClient.RunProcessAsync(
            new { transport = "http", url = Server.BaseAddress.ToString(), apiKey = (string?)null, calls = Array.Empty<object>() });
        exitCode.ShouldNotBe(0);
        stderr.ShouldContain("Missing API key: send it as the X-API-Key header.");
    }
}
