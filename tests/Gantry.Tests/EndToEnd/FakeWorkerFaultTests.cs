using System.Text.Json;
using System.Threading.Channels;
using Gantry.Domain;
using Gantry.Tests.Events;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// Faults of a ComfyUI worker, played by the scripted fake behind a real Gantry server and its dispatcher, seen
/// through HTTP and the owner's socket: slow start, a socket drop mid-job, death (requeue, or capped attempts),
/// node errors, garbage frames, history that never comes.
/// </summary>
public sealed class FakeWorkerFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_worker_that_starts_slowly_gets_the_job_once_it_answers()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(arrange: (_, fake) => fake.FailSystemStats = int.MaxValue);
        var fake = cluster.Fakes[0];
        await fake.WaitForRequestAsync("GET /system_stats", 3).WaitAsync(TestTimeouts.Default, Ct);
        using var user = await cluster.Server.CreateUserAsync();
        var id = await FakeWorkerCluster.SubmitAsync(user);
        (await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "waiting_to_dispatch")).GetProperty("assigned_inference").ValueKind.ShouldBe(JsonValueKind.Null);
        fake.Prompts.ShouldBeEmpty();

        fake.FailSystemStats = 0;

        var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "completed");
        status.GetProperty("assigned_inference").GetString().ShouldBe("gpu-a");
        (await JobWaiter.DetailAsync(user.Client, id)).GetProperty("outputs").GetProperty("9").GetProperty("images").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task A_socket_dropped_mid_job_is_reconnected_and_the_rest_of_the_job_reaches_the_owner()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(arrange: (_, fake) => fake.Script = FakeScripts.HoldThenNormal);
        var fake = cluster.Fakes[0];
        using var user = await cluster.Server.CreateUserAsync();
        var (socket, _) = await TestSocket.OpenAsync(cluster.Server, user.Key);
        await using (socket)
        {
            var id = await FakeWorkerCluster.SubmitAsync(user);
            var (_, run) = await cluster.RunOfAsync(id);
            await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
            var before = await SocketJournal.ReadUntilAsync(socket, f => f.Type == "executing" && f.Node == "3");

            // The worker reconnects; ComfyUI tells a returning client which node runs. That reaching the owner means
            // the worker is back and reading its socket again: only then does the run go on.
            fake.DropSockets();
            var replay = (await SocketJournal.ReadUntilAsync(socket, f => f.Type == "executing")).Last();
            replay.Node.ShouldBe("3");
            replay.PromptId.ShouldBe(id.ToString("D"));
            fake.SocketConnections.Count.ShouldBeGreaterThanOrEqualTo(2);
            run.Release();

            var after = await SocketJournal.ReadJobAsync(socket, id);
            var outline = SocketJournal.Outline(after, id);
            outline.ShouldContain("progress:3/3");
            outline.ShouldContain("executed:9");
            outline[^2..].ShouldBe(["execution_success", "executing:null"]);
            SocketJournal.Outline(before, id)[0].ShouldBe("execution_start");
            var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "completed");
            status.GetProperty("assigned_inference").GetString().ShouldBe("gpu-a");
            fake.Prompts.Count(p => p.Id == id.ToString("D")).ShouldBe(1);
        }
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task A_job_on_a_worker_that_dies_is_requeued_to_another_worker_and_finishes_there(StoreKind kind)
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var cluster = await FakeWorkerCluster.StartAsync(workers: 2, arrange: (_, fake) => fake.Script = FakeScripts.HoldThenNormal, kind: kind);
        using var user = await cluster.Server.CreateUserAsync();
        var id = await FakeWorkerCluster.SubmitAsync(user);
        var (first, run) = await cluster.RunOfAsync(id);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
        await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "in_progress");

        await cluster.Fakes[first].StopAsync();

        var other = 1 - first;
        var (_, again) = await cluster.RunOfAsync(id, [other]);
        await again.Holding.WaitAsync(TestTimeouts.Default, Ct);
        again.Release();
        var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "completed");
        status.GetProperty("assigned_inference").GetString().ShouldBe(FakeWorkerCluster.NameOf(other));
        var job = await cluster.Server.Store.GetJobAsync(id, Ct);
        job!.Attempts.ShouldBe(2);
        cluster.Fakes[other].Prompts.Count(p => p.Id == id.ToString("D")).ShouldBe(1);
    }

    [Fact]
    public async Task A_job_whose_only_worker_keeps_dying_fails_after_the_attempts_naming_the_worker_and_the_cause()
    {
        var runs = Channel.CreateUnbounded<FakeRun>();
        await using var cluster = await FakeWorkerCluster.StartAsync(
            arrange: (_, fake) => fake.Script = async run =>
            {
                runs.Writer.TryWrite(run);
                await FakeScripts.HoldThenNormal(run);
            },
            settings: new Dictionary<string, string> { ["Gantry:Scheduler:MaxAttempts"] = "2" });
        var fake = cluster.Fakes[0];
        using var user = await cluster.Server.CreateUserAsync();
        var (socket, _) = await TestSocket.OpenAsync(cluster.Server, user.Key);
        await using var closing = socket;
        var id = await FakeWorkerCluster.SubmitAsync(user);

        await (await runs.Reader.ReadAsync(Ct)).Holding.WaitAsync(TestTimeouts.Default, Ct);
        await fake.StopAsync();
        (await JobWaiter.StateAsync(cluster.Server, id, JobState.Queued)).Attempts.ShouldBe(1);

        // It waits for a worker; the worker comes back, takes it again, and dies again.
        await fake.RestartAsync(Ct);
        var second = await runs.Reader.ReadAsync(Ct).AsTask().WaitAsync(TestTimeouts.Default, Ct);
        second.PromptId.ShouldBe(id.ToString("D"));
        await second.Holding.WaitAsync(TestTimeouts.Default, Ct);
        await fake.StopAsync();

        var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "error");
        var message = status.GetProperty("error_message").GetString()!;
        message.ShouldStartWith("Worker 'gpu-a' lost the job: ");
        message.ShouldContain("unreachable");
        message.ShouldEndWith("Gave up after 2 attempts.");
        (await cluster.Server.Store.GetJobAsync(id, Ct))!.Attempts.ShouldBe(2);

        // The owner's socket is told the job is over, as ComfyUI would: the error, then the final executing.
        var frames = await SocketJournal.ReadJobAsync(socket, id);
        SocketJournal.Outline(frames, id)[^2..].ShouldBe(["execution_error", "executing:null"]);
        frames.Single(f => f.Type == "execution_error").Data.GetProperty("exception_message").GetString().ShouldBe(message);
    }

    [Fact]
    public async Task A_node_error_fails_the_job_with_the_node_its_type_and_the_message()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(arrange: (_, fake) => fake.Script = async run =>
        {
            await run.ExecuteNodeAsync("4");
            await run.ExecuteNodeAsync("3", steps: 1);
            await run.FailAsync("3", "KSampler", "RuntimeError", "mat1 and mat2 shapes cannot be multiplied");
        });
        using var user = await cluster.Server.CreateUserAsync();
        var (socket, _) = await TestSocket.OpenAsync(cluster.Server, user.Key);
        await using (socket)
        {
            var id = await FakeWorkerCluster.SubmitAsync(user);
            var frames = await SocketJournal.ReadJobAsync(socket, id);
            SocketJournal.Outline(frames, id)[^2..].ShouldBe(["execution_error", "executing:null"]);

            var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "error");
            status.GetProperty("error_message").GetString().ShouldBe("RuntimeError: mat1 and mat2 shapes cannot be multiplied (node 3 KSampler)");
            var detail = await JobWaiter.DetailAsync(user.Client, id);
            detail.GetProperty("status").GetString().ShouldBe("failed");
            var error = detail.GetProperty("execution_error");
            error.GetProperty("node_id").GetString().ShouldBe("3");
            error.GetProperty("node_type").GetString().ShouldBe("KSampler");
            error.GetProperty("exception_type").GetString().ShouldBe("RuntimeError");
            error.GetProperty("exception_message").GetString()!.ShouldStartWith("mat1 and mat2 shapes cannot be multiplied");
        }
    }

    [Fact]
    public async Task Garbage_frames_from_the_worker_are_ignored_and_the_job_completes()
    {
        FakeComfyUiServer? current = null;
        await using var cluster = await FakeWorkerCluster.StartAsync(arrange: (_, fake) =>
        {
            current = fake;
            fake.Script = async run =>
            {
                await run.SendRawTextAsync("{this is not json");
                await run.SendRawTextAsync("""{"type": 7, "data": []}""");
                await run.SendRawTextAsync("""{"type": "executing", "data": {"node": 42, "prompt_id": {"x": 1}}}""");
                await run.SendRawBinaryAsync([0, 0]);
                await run.SendRawBinaryAsync([0, 0, 0, 9, 1, 2, 3]);
                await current!.SendRawTextToAllAsync("[]");
                await FakeScripts.Normal(run);
            };
        });
        using var user = await cluster.Server.CreateUserAsync();
        var (socket, _) = await TestSocket.OpenAsync(cluster.Server, user.Key);
        await using (socket)
        {
            var id = await FakeWorkerCluster.SubmitAsync(user);

            // Every message the owner gets is well-formed JSON or a binary frame (SocketJournal parses each one).
            var frames = await SocketJournal.ReadJobAsync(socket, id);
            var outline = SocketJournal.Outline(frames, id);
            outline[..2].ShouldBe(["execution_start", "execution_cached"]);
            outline[^2..].ShouldBe(["execution_success", "executing:null"]);
            var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "completed");
            status.GetProperty("error_message").ValueKind.ShouldBe(JsonValueKind.Null);
            (await JobWaiter.DetailAsync(user.Client, id)).GetProperty("outputs").GetProperty("9").GetProperty("images").GetArrayLength().ShouldBe(1);
        }
    }

    [Fact]
    public async Task History_that_never_comes_is_rebuilt_from_the_events_and_the_outputs_are_kept()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(
            arrange: (_, fake) => fake.Script = async run =>
            {
                run.HideHistory(-1);
                await FakeScripts.Normal(run);
            },
            settings: new Dictionary<string, string> { ["Gantry:ComfyUi:HistoryWait"] = "00:00:00.300" });
        using var user = await cluster.Server.CreateUserAsync();
        var id = await FakeWorkerCluster.SubmitAsync(user);

        await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "completed");
        var detail = await JobWaiter.DetailAsync(user.Client, id);
        var image = detail.GetProperty("outputs").GetProperty("9").GetProperty("images")[0];
        using var view = await user.Client.GetAsync($"view?filename={image.GetProperty("filename").GetString()}&type=output", Ct);
        view.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        detail.GetProperty("execution_status").GetProperty("status_str").GetString().ShouldBe("success");
        cluster.Fakes[0].Requests.ShouldContain($"GET /history/{id:D}");
    }

    [Fact]
    public async Task A_job_that_ended_unseen_and_left_no_history_fails_with_a_clear_message()
    {
        FakeComfyUiServer? current = null;
        await using var cluster = await FakeWorkerCluster.StartAsync(
            arrange: (_, fake) =>
            {
                current = fake;
                fake.Script = async run =>
                {
                    // Nothing of the run reaches Gantry: the socket is gone, and the history never shows it,
                    // so to Gantry polling it the worker has forgotten the job.
                    run.HideHistory(-1);
                    current!.RefuseSockets = true;
                    current.DropSockets();
                    await FakeScripts.Normal(run);
                };
            },
            settings: new Dictionary<string, string>
            {
                ["Gantry:ComfyUi:HistoryWait"] = "00:00:00.300",
                ["Gantry:ComfyUi:JobLostAfter"] = "00:10:00",
                ["Gantry:Scheduler:MaxAttempts"] = "1",
            });
        using var user = await cluster.Server.CreateUserAsync();
        var id = await FakeWorkerCluster.SubmitAsync(user);

        var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "error");
        status.GetProperty("error_message").GetString().ShouldBe(
            "Worker 'gpu-a' lost the job: worker 'gpu-a' no longer knows the job: it restarted or its queue was cleared. Gave up after 1 attempt.");
    }
}
