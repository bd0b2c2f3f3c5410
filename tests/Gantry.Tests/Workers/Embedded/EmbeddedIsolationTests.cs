using System.Net;
using System.Text;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;

namespace Gantry.Tests.Workers.Embedded;

/// <summary>
/// Through the real HTTP surface with two users' keys: the embedded engine's result cache and its output file names
/// are each user's own, so submitting someone else's exact workflow, or their file name prefix, tells nothing about them.
/// </summary>
public sealed class EmbeddedIsolationTests(EmbeddedSqliteServerFixture fixture) : ServerTestBase(fixture), IClassFixture<EmbeddedSqliteServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bob_submitting_alices_exact_workflow_runs_it_himself_and_her_prefix_counter_is_not_his()
    {
        using var alice = await Server.CreateUserAsync();
        using var bob = await Server.CreateUserAsync();
        var prefix = $"alicecache{Guid.NewGuid():N}";

        var first = await RunAsync(alice, SaveGraph(prefix, color: 1));
        var second = await RunAsync(alice, SaveGraph(prefix, color: 2));
        (await CachedNodesAsync(alice, second)).ShouldBeEmpty();
        (await FileNameAsync(alice, first)).ShouldBe($"{prefix}_00001_.png");
        (await FileNameAsync(alice, second)).ShouldBe($"{prefix}_00002_.png");

        // Exactly alice's first workflow: bob's engine run starts from nothing and numbers files from 1 in his own folder.
        var bobs = await RunAsync(bob, SaveGraph(prefix, color: 1));
        (await CachedNodesAsync(bob, bobs)).ShouldBeEmpty();
        (await FileNameAsync(bob, bobs)).ShouldBe($"{prefix}_00001_.png");

        // While alice's own repeat is served from her cache.
        var again = await RunAsync(alice, SaveGraph(prefix, color: 1));
        (await CachedNodesAsync(alice, again)).ShouldBe(["1", "2"]);
    }

    private static string SaveGraph(string prefix, int color) => $$$"""
        {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": {{{color}}} } },
         "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "{{{prefix}}}"} } }
        """;

    private async Task<Guid> RunAsync(TestUser user, string graph)
    {
        var id = await JobWaiter.SubmitAsync(user.Client, graph);
        await JobWaiter.StatusAsync(Server, user.Client, id, "completed");
        return id;
    }

    private static async Task<string> FileNameAsync(TestUser user, Guid id) =>
        (await JobWaiter.DetailAsync(user.Client, id)).GetProperty("outputs").GetProperty("2").GetProperty("images")[0].GetProperty("filename").GetString()!;

    private static async Task<List<string>> CachedNodesAsync(TestUser user, Guid id)
    {
        using var response = await user.Client.GetAsync($"history/{id}", Ct);
        var history = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        var cached = history.GetProperty(id.ToString("D")).GetProperty("status").GetProperty("messages").EnumerateArray()
            .Single(m => m[0].GetString() == "execution_cached")[1].GetProperty("nodes");
        return [.. cached.EnumerateArray().Select(n => n.GetString()!)];
    }
}

/// <summary>An embedded server that allows prompts of up to 25,000 nodes.</summary>
public sealed class LargePromptServerFixture() : EmbeddedServerFixture(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Engine:MaxNodesPerPrompt"] = "25000" });

/// <summary>
/// Chains far deeper than a thread's stack go through <c>POST /api/prompt</c> (validated against the catalog),
/// run on the embedded worker, and the server answers on; one node past the limit is a 400 in ComfyUI's error shape.
/// </summary>
public sealed class LargePromptTests(LargePromptServerFixture fixture) : ServerTestBase(fixture), IClassFixture<LargePromptServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(9_000)]
    [InlineData(20_000)]
    public async Task A_long_chain_is_accepted_and_runs_to_its_end(int length)
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobWaiter.SubmitAsync(user.Client, Chain(length));

        // 20,000 nodes run one after another: about two seconds on a quiet machine, linear in the length, but minutes when
        // two full suites and builds share the two cores (over 4 minutes once at a load of 66).
        await JobWaiter.StatusAsync(Server, user.Client, id, "completed", within: TimeSpan.FromMinutes(10));
        var outputs = (await JobWaiter.DetailAsync(user.Client, id)).GetProperty("outputs");
        outputs.GetProperty("out").GetProperty("text")[0].GetString().ShouldBe("7");
    }

    [Fact]
    public async Task One_node_past_the_limit_is_refused_with_prompt_too_large()
    {
        using var user = await Server.CreateUserAsync();
        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(Chain(25_000))), Ct);

        var body = await response.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "prompt_too_large");
        var error = body.GetProperty("error");
        error.GetProperty("message").GetString().ShouldBe("Prompt has too many nodes");
        error.GetProperty("details").GetString().ShouldBe("The prompt has 25001 nodes; at most 25000 are allowed.");
        error.GetProperty("extra_info").GetProperty("max_nodes").GetInt32().ShouldBe(25_000);
        body.GetProperty("node_errors").EnumerateObject().ShouldBeEmpty();

        using var alive = await user.Client.GetAsync("api/queue", Ct);
        alive.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_6000_node_cycle_is_refused_with_a_small_answer()
    {
        using var user = await Server.CreateUserAsync();
        var json = new StringBuilder("""{"out": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}""");
        for (var i = 1; i <= 6_000; i++)
        {
            json.Append($$$""", "{{{i}}}": {"class_type": "StringConcatenate", "inputs": {"string_a": ["{{{(i % 6_000) + 1}}}", 0], "string_b": "x", "delimiter": ""}}""");
        }

        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(json.Append('}').ToString())), Ct);
        (await response.Content.ReadAsByteArrayAsync(Ct)).Length.ShouldBeLessThan(64 * 1024);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_16384_square_image_fails_the_job_with_a_memory_error_and_the_server_goes_on()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobWaiter.SubmitAsync(user.Client, """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 16384, "height": 16384, "batch_size": 1, "color": 0}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """);

        var status = await JobWaiter.StatusAsync(Server, user.Client, id, "error");
        status.GetProperty("error_message").GetString().ShouldStartWith("MemoryError: A tensor of shape [1, 16384, 16384, 3]");

        var next = await JobWaiter.SubmitAsync(user.Client, JobWaiter.PrimitivesWorkflow);
        await JobWaiter.StatusAsync(Server, user.Client, next, "completed");
    }

    /// <summary>PrimitiveInt nodes "1".."length", each taking the one before as its value, shown by a PreviewAny "out".</summary>
    private static string Chain(int length)
    {
        var json = new StringBuilder("""{"1": {"class_type": "PrimitiveInt", "inputs": {"value": 7}}""");
        for (var i = 2; i <= length; i++)
        {
            json.Append($$$""", "{{{i}}}": {"class_type": "PrimitiveInt", "inputs": {"value": ["{{{i - 1}}}", 0]}}""");
        }

        return json.Append($$$""", "out": {"class_type": "PreviewAny", "inputs": {"source": ["{{{length}}}", 0]}}""").Append('}').ToString();
    }
}
