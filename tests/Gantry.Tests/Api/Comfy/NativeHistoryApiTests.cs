using System.Net;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Comfy;

/// <summary>ComfyUI's <c>GET /history</c>, <c>GET /history/{id}</c> (bare and under <c>/api</c>) and bare <c>POST /history</c>.</summary>
public abstract class NativeHistoryApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    [Theory]
    [InlineData("history")]
    [InlineData("api/history")]
    public async Task History_is_keyed_by_prompt_id_oldest_first_with_oss_entries(string path)
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var first = await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body(extraData: TestWorkflows.ExtraDataWithWorkflowId("wf-1")));
        var second = await JobDriver.SubmitAsync(user.Client);
        var waiting = await JobDriver.SubmitAsync(user.Client);
        var foreign = await JobDriver.SubmitAsync(other.Client);
        await JobDriver.MoveAsync(Server.Store, first, JobState.Succeeded);
        await JobDriver.MoveAsync(Server.Store, second, JobState.Failed);
        await JobDriver.MoveAsync(Server.Store, foreign, JobState.Succeeded);

        using var response = await user.Client.GetAsync(path, TestContext.Current.CancellationToken);
        var history = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        history.EnumerateObject().Select(p => p.Name).ShouldBe([first.ToString("D"), second.ToString("D")]);

        var entry = history.GetProperty(first.ToString("D"));
        entry.ShouldHave(("prompt", JsonValueKind.Array), ("outputs", JsonValueKind.Object), ("status", JsonValueKind.Object), ("meta", JsonValueKind.Object));
        var prompt = entry.GetProperty("prompt");
        prompt.GetArrayLength().ShouldBe(5);
        prompt[0].ValueKind.ShouldBe(JsonValueKind.Number);
        prompt[1].GetString().ShouldBe(first.ToString("D"));
        prompt[2].GetProperty("1").GetProperty("class_type").GetString().ShouldBe("EmptyImage");
        prompt[3].GetProperty("extra_pnginfo").GetProperty("workflow").GetProperty("id").GetString().ShouldBe("wf-1");
        prompt[3].GetProperty("create_time").IsInteger().ShouldBeTrue();
        prompt[4].ValueKind.ShouldBe(JsonValueKind.Array);
        entry.GetProperty("outputs").GetProperty("3").GetProperty("images")[0].GetProperty("filename").GetString().ShouldBe("test_00001_.png");
        entry.GetProperty("status").GetProperty("status_str").GetString().ShouldBe("success");
        history.GetProperty(second.ToString("D")).GetProperty("status").GetProperty("status_str").GetString().ShouldBe("error");
        history.TryGetProperty(waiting.ToString("D"), out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Max_items_gives_the_newest_and_a_positive_offset_counts_from_the_oldest()
    {
        using var user = await Server.CreateUserAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = await JobDriver.SubmitAsync(user.Client);
            await JobDriver.MoveAsync(Server.Store, id, JobState.Succeeded);
            ids.Add(id.ToString("D"));
        }

        (await KeysAsync(user.Client, "history?max_items=2")).ShouldBe(ids[3..]);
        (await KeysAsync(user.Client, "history?max_items=2&offset=1")).ShouldBe(ids[1..3]);
        (await KeysAsync(user.Client, "history?offset=3")).ShouldBe(ids[3..]);
        (await KeysAsync(user.Client, "history?max_items=3&offset=4")).ShouldBe(ids[4..]);
        (await KeysAsync(user.Client, "history?offset=9")).ShouldBeEmpty();
        (await KeysAsync(user.Client, "history?max_items=0")).ShouldBeEmpty();

        using var bad = await user.Client.GetAsync("history?max_items=many", TestContext.Current.CancellationToken);
        await bad.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_parameter");
    }

    [Theory]
    [InlineData("history")]
    [InlineData("api/history")]
    public async Task One_entry_or_an_empty_object_never_a_404(string path)
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var done = await JobDriver.SubmitAsync(user.Client);
        var waiting = await JobDriver.SubmitAsync(user.Client);
        var foreign = await JobDriver.SubmitAsync(other.Client);
        await JobDriver.MoveAsync(Server.Store, done, JobState.Succeeded);
        await JobDriver.MoveAsync(Server.Store, foreign, JobState.Succeeded);

        using (var response = await user.Client.GetAsync($"{path}/{done}", TestContext.Current.CancellationToken))
        {
            var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
            json.EnumerateObject().ShouldHaveSingleItem().Name.ShouldBe(done.ToString("D"));
            json.GetProperty(done.ToString("D")).GetProperty("prompt")[1].GetString().ShouldBe(done.ToString("D"));
        }

        foreach (var id in new[] { waiting.ToString("D"), foreign.ToString("D"), Guid.NewGuid().ToString("D"), "not-an-id" })
        {
            using var response = await user.Client.GetAsync($"{path}/{id}", TestContext.Current.CancellationToken);
            (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).EnumerateObject().ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Post_history_deletes_the_callers_finished_jobs_and_ignores_other_properties()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var done = await JobDriver.SubmitAsync(user.Client);
        var kept = await JobDriver.SubmitAsync(user.Client);
        var foreign = await JobDriver.SubmitAsync(other.Client);
        await JobDriver.MoveAsync(Server.Store, done, JobState.Succeeded);
        await JobDriver.MoveAsync(Server.Store, kept, JobState.Cancelled);
        await JobDriver.MoveAsync(Server.Store, foreign, JobState.Succeeded);

        using (var delete = await user.Client.PostAsync("history", TestWorkflows.Json($$"""{"delete": ["{{done}}", "{{foreign}}"], "extra": 1}"""), TestContext.Current.CancellationToken))
        {
            delete.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await delete.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBeEmpty();
        }

        (await KeysAsync(user.Client, "history")).ShouldBe([kept.ToString("D")]);
        using (var clear = await user.Client.PostAsync("history", TestWorkflows.Json("""{"clear": true}"""), TestContext.Current.CancellationToken))
        {
            clear.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await KeysAsync(user.Client, "history")).ShouldBeEmpty();
        (await KeysAsync(other.Client, "history")).ShouldBe([foreign.ToString("D")]);
    }

    private static async Task<List<string>> KeysAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        return (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).EnumerateObject().Select(p => p.Name).ToList();
    }
}

public sealed class NativeHistoryApiSqliteTests(SqliteServerFixture fixture) : NativeHistoryApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class NativeHistoryApiPostgresTests(PostgresServerFixture fixture) : NativeHistoryApiTests(fixture), IClassFixture<PostgresServerFixture>;
