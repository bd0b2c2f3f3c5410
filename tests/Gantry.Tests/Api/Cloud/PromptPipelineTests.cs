using System.Net;
using System.Text;
using System.Text.Json;
using Gantry.Engine.Json;
using Gantry.Tests.EndToEnd;
using Gantry.Tests.Events;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;

namespace Gantry.Tests.Api.Cloud;

/// <summary>
/// The submit path on the embedded engine: a body is read as ComfyUI (Python's <c>json.loads</c>) reads it, under one
/// depth limit and one reader rule (no lone surrogates), and what is accepted runs; nothing internal leaks in errors.
/// </summary>
public abstract class PromptPipelineTests(EmbeddedServerFixture fixture) : ServerTestBase(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("api/prompt")]
    [InlineData("prompt")]
    public async Task Python_literals_and_repeated_keys_are_read_as_ComfyUI_reads_them_and_the_job_runs(string path)
    {
        using var user = await Server.CreateUserAsync();
        const string prompt = """
            {"1": {"class_type": "PrimitiveFloat", "inputs": {"value": NaN}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
             "3": {"class_type": "PrimitiveString", "inputs": {"value": "first", "value": "last"}},
             "4": {"class_type": "PreviewAny", "inputs": {"source": ["3", 0]}},
             "5": {"class_type": "PrimitiveInt", "inputs": {"value": 123456789012345678}},
             "6": {"class_type": "PreviewAny", "inputs": {"source": ["5", 0]}}}
            """;
        var body = "{\"prompt\": " + prompt + """, "extra_data": {"note": Infinity, "seed": 18446744073709551616}}""";

        using var response = await user.Client.PostAsync(path, TestWorkflows.Json(body), Ct);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        var id = Guid.Parse(json.GetProperty("prompt_id").GetString()!);
        json.GetProperty("node_errors").EnumerateObject().ShouldBeEmpty();

        await JobWaiter.StatusAsync(Server, user.Client, id, "completed");
        var stored = await Server.Store.GetPayloadAsync(id, CancellationToken.None);
        Encoding.UTF8.GetString(stored!.PromptJson).ShouldBe(prompt);
        Encoding.UTF8.GetString(stored.ExtraDataJson!).ShouldBe("""{"note": Infinity, "seed": 18446744073709551616}""");

        // The job's views carry the workflow as sent, so they are read as Python would read them.
        var detail = (JObject)await ReadPythonJsonAsync(user.Client, $"api/jobs/{id}");
        var outputs = (JObject)detail["outputs"]!;
        Text(outputs, "2").ShouldBe("nan");
        Text(outputs, "4").ShouldBe("last");
        Text(outputs, "6").ShouldBe("123456789012345678");

        var history = (JObject)await ReadPythonJsonAsync(user.Client, $"history/{id}");
        var extra = (JObject)((JArray)((JObject)history[id.ToString("D")]!)["prompt"]!)[3];
        extra["note"].ShouldBe(new JFloat(double.PositiveInfinity));
        (await ReadPythonJsonAsync(user.Client, "api/history_v2")).ShouldBeOfType<JObject>();
    }

    [Fact]
    public async Task The_prompt_from_the_issue_is_not_refused_as_invalid_json()
    {
        using var user = await Server.CreateUserAsync();
        const string body = """{"prompt":{"1":{"class_type":"PrimitiveFloat","inputs":{"value": NaN}}}}""";

        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(body), Ct);

        // PrimitiveFloat is no output node: ComfyUI answers this, not a parse error.
        await response.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "prompt_no_outputs");
    }

    [Theory]
    [InlineData("""{"prompt": {"1": {"class_type": "SaveImage", "inputs": {"filename_prefix": "\ud800x"}}}}""")]
    [InlineData("""{"prompt": {"1": {"class_type": "PreviewAny", "inputs": {"source": "a\udc00"}}}}""")]
    [InlineData("""{"prompt": {"1\udfff": {"class_type": "PreviewAny", "inputs": {"source": "a"}}}}""")]
    [InlineData("""{"prompt": {"1": {"class_type": "PreviewAny", "inputs": {"source": "a"}}}, "extra_data": {"x": ["\ud800\u0041"]}}""")]
    [InlineData("""{"prompt": {"1": {"class_type": "PreviewAny", "inputs": {"source": "a"}}}, "client_id": "\udbff"}""")]
    public async Task A_lone_surrogate_anywhere_in_a_submit_is_refused_at_the_edge_and_nothing_is_written(string body)
    {
        using var user = await Server.CreateUserAsync();

        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(body), Ct);

        var json = await response.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "invalid_json");
        json.GetProperty("error").GetProperty("details").GetString()!.ShouldContain("surrogate");
        (await Server.Store.CountUserJobsInStatesAsync(user.User.Id, Gantry.Domain.JobStateMachine.ActiveStates, CancellationToken.None)).ShouldBe(0);
    }

    [Fact]
    public async Task A_surrogate_pair_is_one_character_and_is_accepted()
    {
        using var user = await Server.CreateUserAsync();
        const string prompt = """{"1": {"class_type": "PrimitiveString", "inputs": {"value": "\ud83d\ude00"}}, "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}""";

        var id = await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body(prompt));

        await JobWaiter.StatusAsync(Server, user.Client, id, "completed");
        var detail = (JObject)await ReadPythonJsonAsync(user.Client, $"api/jobs/{id}");
        Text((JObject)detail["outputs"]!, "2").ShouldBe("😀");
    }

    [Theory]
    [InlineData("POST", "history", """{"delete": ["\ud800"]}""")]
    [InlineData("POST", "api/history", """{"delete": ["\ud800"]}""")]
    [InlineData("POST", "api/interrupt", """{"prompt_id": "\udc00"}""")]
    [InlineData("POST", "interrupt", """{"prompt_id": "\udc00"}""")]
    [InlineData("POST", "api/queue", """{"delete": ["\ud800"]}""")]
    [InlineData("POST", "queue", """{"delete": ["\ud800"]}""")]
    [InlineData("POST", "api/jobs/cancel", """{"job_ids": ["\ud800"]}""")]
    public async Task A_lone_surrogate_in_any_other_json_body_is_a_400(string method, string path, string body)
    {
        using var user = await Server.CreateUserAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = TestWorkflows.Json(body) };

        using var response = await user.Client.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Extra_data_past_the_one_depth_limit_is_refused_and_at_the_limit_every_read_still_answers()
    {
        using var user = await Server.CreateUserAsync();
        // The body is one level, extra_data another: nesting inside it counts from there.
        var tooDeep = WithExtraData(JobWaiter.PrimitivesWorkflow, "{\"x\": " + Nested(70) + "}");
        using var refused = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(tooDeep), Ct);
        var error = await refused.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "invalid_json");
        error.GetProperty("error").GetProperty("details").GetString()!.ShouldContain(JParser.MaxDepth.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var atLimit = WithExtraData(JobWaiter.PrimitivesWorkflow, "{\"x\": " + Nested(JParser.MaxDepth - 2) + "}");
        var id = await JobDriver.SubmitAsync(user.Client, atLimit);
        await JobWaiter.StatusAsync(Server, user.Client, id, "completed");
        foreach (var read in new[] { "history", "api/history", "api/history_v2", $"api/history_v2/{id}", "queue", "api/queue", $"api/jobs/{id}" })
        {
            using var response = await user.Client.GetAsync(read, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, read);
        }
    }

    [Fact]
    public async Task A_failing_job_and_a_validation_error_show_no_stack_frames_or_source_paths()
    {
        using var user = await Server.CreateUserAsync();
        var (socket, _) = await TestSocket.OpenAsync(Server, user.Key);
        await using (socket)
        {
            var id = await JobWaiter.SubmitAsync(user.Client, EngineTestNodes.FailGraph("no frames here"));
            var frames = await SocketJournal.ReadJobAsync(socket, id);
            var error = frames.Single(f => f.Type == "execution_error").Data;
            error.GetProperty("traceback").ValueKind.ShouldBe(JsonValueKind.Array);
            ShouldLeakNothing(error.GetRawText());

            await JobWaiter.StatusAsync(Server, user.Client, id, "error");
            foreach (var read in new[] { $"api/jobs/{id}", $"history/{id}", $"api/history_v2/{id}", $"api/job/{id}/status" })
            {
                using var response = await user.Client.GetAsync(read, Ct);
                var text = await response.Content.ReadAsStringAsync(Ct);
                text.ShouldContain("no frames here");
                ShouldLeakNothing(text);
            }
        }

        // A link into a node whose own link is broken: validating upstream throws, and ComfyUI reports the exception.
        const string broken = """
            {"1": {"class_type": "StringConcatenate", "inputs": {"string_a": ["99", 0], "string_b": "x", "delimiter": ""}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """;
        using var refused = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(broken)), Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var refusal = await refused.Content.ReadAsStringAsync(Ct);
        refusal.ShouldContain("node_errors");
        ShouldLeakNothing(refusal);
    }

    private static void ShouldLeakNothing(string text)
    {
        text.ShouldNotContain("   at ");
        text.ShouldNotContain(".cs:line");
        text.ShouldNotContain("Gantry.Engine.");
    }

    private static string WithExtraData(string prompt, string extraData) => "{\"prompt\": " + prompt + ", \"extra_data\": " + extraData + "}";

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static string? Text(JObject outputs, string node) => ((JArray)((JObject)outputs[node]!)["text"]!)[0].AsString;

    private static async Task<JValue> ReadPythonJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, Encoding.UTF8.GetString(bytes));
        return JParser.Parse(bytes);
    }
}

public sealed class PromptPipelineSqliteTests(EmbeddedSqliteServerFixture fixture) : PromptPipelineTests(fixture), IClassFixture<EmbeddedSqliteServerFixture>;

public sealed class PromptPipelinePostgresTests(EmbeddedPostgresServerFixture fixture) : PromptPipelineTests(fixture), IClassFixture<EmbeddedPostgresServerFixture>;
