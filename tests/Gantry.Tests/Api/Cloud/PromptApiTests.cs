using System.Net;
using System.Text;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Cloud;

/// <summary><c>POST /api/prompt</c> and <c>GET /api/prompt</c> through real HTTP.</summary>
public abstract class PromptApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    [Fact]
    public async Task Submit_answers_prompt_id_number_and_node_errors_and_the_job_is_stored()
    {
        using var user = await Server.CreateUserAsync();
        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body()), TestContext.Current.CancellationToken);

        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        json.ShouldHave(("prompt_id", JsonValueKind.String), ("number", JsonValueKind.Number), ("node_errors", JsonValueKind.Object));
        var id = Guid.Parse(json.GetProperty("prompt_id").GetString()!);
        json.GetProperty("prompt_id").GetString().ShouldBe(id.ToString("D"));
        json.GetProperty("node_errors").EnumerateObject().ShouldBeEmpty();

        var job = await Server.Store.GetJobAsync(id, CancellationToken.None);
        job.ShouldNotBeNull();
        job.UserId.ShouldBe(user.User.Id);
        job.State.ShouldBe(JobState.Queued);
    }

    [Fact]
    public async Task The_workflow_is_stored_and_returned_byte_for_byte()
    {
        using var user = await Server.CreateUserAsync();
        // Odd but valid JSON: spacing, escapes, key order, a seed of 2^64-1, a float with exponent.
        const string prompt = "{ \"9\" :{\"inputs\":{\"source\":[\"1\",0],\"seed\":18446744073709551615,\"cfg\":7.50e0},\"class_type\":\"PreviewAny\"}\n,\"1\":{\"class_type\":\"PrimitiveString\",\"inputs\":{\"value\":\"caf\\u00e9 \\\"quoted\\\"\"}}}";
        var id = await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body(prompt));

        var stored = await Server.Store.GetPayloadAsync(id, CancellationToken.None);
        Encoding.UTF8.GetString(stored!.PromptJson).ShouldBe(prompt);

        using var response = await user.Client.GetAsync($"api/jobs/{id}", TestContext.Current.CancellationToken);
        var raw = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        raw.ShouldContain("\"workflow\":{\"prompt\":" + prompt);
    }

    [Fact]
    public async Task A_client_chosen_prompt_id_is_used_and_cannot_be_reused()
    {
        using var user = await Server.CreateUserAsync();
        var id = Guid.NewGuid();
        (await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body(promptId: id.ToString("D")))).ShouldBe(id);

        using var again = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(promptId: id.ToString("D"))), TestContext.Current.CancellationToken);
        await again.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "invalid_prompt_id");

        using var other = await Server.CreateUserAsync();
        using var foreign = await other.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(promptId: id.ToString("D"))), TestContext.Current.CancellationToken);
        await foreign.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "invalid_prompt_id");
        (await Server.Store.GetJobAsync(id, CancellationToken.None))!.UserId.ShouldBe(user.User.Id);
    }

    [Theory]
    [InlineData("\"0B6F0F5E-6D7B-4F43-9B1A-3C7D2F0A9E11\"")]
    [InlineData("\"0b6f0f5e6d7b4f439b1a3c7d2f0a9e11\"")]
    [InlineData("\"{0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11}\"")]
    [InlineData("\"not-a-uuid\"")]
    [InlineData("42")]
    [InlineData("\"\"")]
    public async Task A_non_canonical_prompt_id_is_refused_and_nothing_is_written(string promptIdJson)
    {
        using var user = await Server.CreateUserAsync();
        var body = $"{{\"prompt\": {TestWorkflows.Simple}, \"prompt_id\": {promptIdJson}}}";
        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(body), TestContext.Current.CancellationToken);

        var json = await response.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "invalid_prompt_id");
        json.GetProperty("error").GetProperty("message").GetString().ShouldBe("prompt_id must be a valid UUID");
        await ShouldHaveNoJobsAsync(user);
    }

    [Theory]
    [InlineData("{}", "no_prompt")]
    [InlineData("{\"prompt\": null}", "no_prompt")]
    [InlineData("", "no_prompt")]
    [InlineData("{\"prompt\": [1, 2]}", "invalid_prompt")]
    [InlineData("{\"prompt\": \"text\"}", "invalid_prompt")]
    [InlineData("[1, 2, 3]", "invalid_prompt")]
    [InlineData("{\"prompt\": {}}", "prompt_no_outputs")]
    [InlineData("{\"prompt\": {\"1\": {\"inputs\": {}}}}", "missing_node_type")]
    [InlineData("{\"prompt\": {\"1\": {\"class_type\": 5, \"inputs\": {}}}}", "missing_node_type")]
    [InlineData("{\"prompt\": {\"1\": \"node\"}}", "missing_node_type")]
    [InlineData("{\"prompt\": {\"1\": {\"class_type\": \"X\"}}}", "invalid_prompt")]
    [InlineData("{\"prompt\": {\"1\": {\"class_type\": \"X\", \"inputs\": {\"a\": [\"9\", 0]}}}}", "prompt_outputs_failed_validation")]
    [InlineData("{\"prompt\": {\"1\": {\"class_type\": \"X\", \"inputs\": {\"a\": [\"1\", 0, 3]}}}}", "prompt_outputs_failed_validation")]
    [InlineData("{\"prompt\": {\"1\": {\"class_type\": \"X\", \"inputs\": {}}}, \"extra_data\": 3}", "invalid_prompt")]
    [InlineData("{\"prompt\": {\"1\": {\"class_type\": \"X\", \"inputs\": {}}}, \"number\": \"high\"}", "invalid_prompt")]
    [InlineData("{\"prompt\": {\"1\": {\"class_type\": \"X\", \"inputs\": {}}}, \"front\": \"yes\"}", "invalid_prompt")]
    [InlineData("{\"prompt\": {\"1\": {\"class_type\": \"X\", \"inputs\": {}}}, \"partial_execution_targets\": [1]}", "invalid_prompt")]
    [InlineData("{\"prompt\": {\"1\": ", "invalid_json")]
    [InlineData("{'prompt': {}}", "invalid_json")]
    public async Task Bad_prompt_bodies_get_400_with_ComfyUIs_body_and_nothing_is_written(string body, string errorType)
    {
        using var user = await Server.CreateUserAsync();
        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(body), TestContext.Current.CancellationToken);

        await response.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, errorType);
        await ShouldHaveNoJobsAsync(user);
    }

    [Fact]
    public async Task A_link_to_a_missing_node_names_the_node_in_node_errors()
    {
        using var user = await Server.CreateUserAsync();
        var body = "{\"prompt\": {\"5\": {\"class_type\": \"SaveImage\", \"inputs\": {\"images\": [\"99\", 0]}}}}";
        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(body), TestContext.Current.CancellationToken);

        var json = await response.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "prompt_outputs_failed_validation");
        var node = json.GetProperty("node_errors").GetProperty("5");
        node.ShouldHave(("errors", JsonValueKind.Array), ("dependent_outputs", JsonValueKind.Array), ("class_type", JsonValueKind.String));
        node.GetProperty("class_type").GetString().ShouldBe("SaveImage");
        node.GetProperty("errors")[0].GetProperty("extra_info").GetProperty("input_name").GetString().ShouldBe("images");
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_and_nothing_is_written()
    {
        using var user = await Server.CreateUserAsync();
        var huge = new string('x', 17 * 1024 * 1024);
        var body = $"{{\"prompt\": {{\"1\": {{\"class_type\": \"X\", \"inputs\": {{\"t\": \"{huge}\"}}}}}}}}";
        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(body), TestContext.Current.CancellationToken);

        var json = await response.ShouldBeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        json.GetProperty("error").GetProperty("type").GetString().ShouldBe("payload_too_large");
        await ShouldHaveNoJobsAsync(user);
    }

    [Fact]
    public async Task Json_posted_as_a_form_is_accepted_as_ComfyUI_does()
    {
        using var user = await Server.CreateUserAsync();
        using var content = new StringContent(TestWorkflows.Body(), Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await user.Client.PostAsync("api/prompt", content, TestContext.Current.CancellationToken);
        await response.ShouldBeJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Workflow_id_comes_from_extra_pnginfo_and_number_and_front_are_ignored()
    {
        using var user = await Server.CreateUserAsync();
        var body = $$"""{"prompt": {{TestWorkflows.Simple}}, "number": -5, "front": true, "extra_data": {{TestWorkflows.ExtraDataWithWorkflowId("wf-123")}}}""";
        var first = await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body());
        var second = await JobDriver.SubmitAsync(user.Client, body);

        (await Server.Store.GetJobAsync(second, CancellationToken.None))!.WorkflowId.ShouldBe("wf-123");
        using var queue = await user.Client.GetAsync("api/queue", TestContext.Current.CancellationToken);
        var pending = (await queue.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("queue_pending");
        pending[0][1].GetString().ShouldBe(first.ToString("D"));
        pending[1][1].GetString().ShouldBe(second.ToString("D"));
    }

    [Fact]
    public async Task Get_prompt_counts_only_the_callers_unfinished_jobs()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        await JobDriver.SubmitAsync(user.Client);
        var done = await JobDriver.SubmitAsync(user.Client);
        await JobDriver.SubmitAsync(user.Client);
        await JobDriver.SubmitAsync(other.Client);
        await JobDriver.MoveAsync(Server.Store, done, JobState.Succeeded);

        using var response = await user.Client.GetAsync("api/prompt", TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        json.GetProperty("exec_info").GetProperty("queue_remaining").GetInt32().ShouldBe(2);
    }

    private async Task ShouldHaveNoJobsAsync(TestUser user)
    {
        var page = await Server.Store.ListJobsAsync(new JobListQuery { UserId = user.User.Id }, CancellationToken.None);
        page.Total.ShouldBe(0);
    }
}

public sealed class PromptApiSqliteTests(SqliteServerFixture fixture) : PromptApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PromptApiPostgresTests(PostgresServerFixture fixture) : PromptApiTests(fixture), IClassFixture<PostgresServerFixture>;
