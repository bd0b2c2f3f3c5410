using System.Net;
using Gantry.Tests.Events;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// <c>gantry serve</c> killed with SIGKILL while jobs are queued, handed over and running on two ComfyUI workers
/// (scripted fakes, which see every prompt id). After a restart on the same data folder, or the same PostgreSQL
/// database, every job whose submit was answered 200 is there and runs exactly once.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const int Jobs = 7;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Every_acknowledged_job_finishes_exactly_once_after_a_kill_and_a_restart(StoreKind kind)
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var database = kind == StoreKind.Postgres ? await PostgresTestDatabase.CreateAsync(Ct) : null;
        using var data = new TempDirectory("gantry-crash");
        await using var gpuA = await FakeComfyUiServer.StartAsync(Ct);
        await using var gpuB = await FakeComfyUiServer.StartAsync(Ct);
        FakeComfyUiServer[] fakes = [gpuA, gpuB];
        var holding = fakes.Select(HoldFirstPrompt).ToArray();
        string[] args = database is null
            ? ["--data", data.Path, "--no-auth"]
            : ["--data", data.Path, "--no-auth", "--store", database.ConnectionString];
        var environment = TwoFakeWorkerProcesses.Environment(gpuA, gpuB);

        var acknowledged = new List<Guid>();
        await using (var first = await ServeProcess.StartAsync(args, environment))
        {
            using var client = first.Client(apiKey: null);
            for (var i = 0; i < Jobs; i++)
            {
                acknowledged.Add(await TwoFakeWorkerProcesses.SubmitAsync(client));
            }

            // Each worker runs one job (held) and holds one more in its queue; the rest wait in Gantry.
            var runs = await Task.WhenAll(holding.Select(h => h.Task.WaitAsync(TestTimeouts.Default, Ct)));
            foreach (var fake in fakes)
            {
                await fake.WaitForRequestAsync("POST /prompt", 2).WaitAsync(TestTimeouts.Default, Ct);
            }

            await using (var socket = await TestSocket.ConnectAsync(first.BaseAddress, key: null))
            {
                await WaitForStatusesAsync(client, socket, runs.Select(r => Guid.Parse(r.PromptId)), "in_progress");
            }

            var states = await StatusesAsync(client, acknowledged);
            states.Count(s => s == "in_progress").ShouldBe(2);
            states.Count(s => s == "pending").ShouldBe(2);
            states.Count(s => s == "waiting_to_dispatch").ShouldBe(Jobs - 4);

            await first.Process.KillAsync();

            // While Gantry is down, one worker finishes its running job and the one queued behind it, unseen.
            runs[0].Release();
            try
            {
                await Task.WhenAll(gpuA.Prompts.Select(p => p.Ended.Task)).WaitAsync(TestTimeouts.Default, Ct);
            }
            catch (TimeoutException)
            {
                // Say what the worker was doing, so that a failure on a busy machine explains itself.
                var (pending, running) = gpuA.Queue;
                throw new ShouldAssertException(
                    $"the worker's prompts did not all end: {string.Join("; ", gpuA.Prompts.Select(p => $"{p.Id} #{p.Number} ended={p.Ended.Task.IsCompleted}"))}; " +
                    $"running {running ?? "none"}, pending [{string.Join(", ", pending)}]; held run ended={runs[0].Ended.IsCompleted}; " +
                    $"last requests: {string.Join(", ", gpuA.Requests.TakeLast(40))}");
            }
        }

        await using (var second = await ServeProcess.StartAsync(args, environment))
        {
            using var client = second.Client(apiKey: null);
            await using var socket = await TestSocket.ConnectAsync(second.BaseAddress, key: null);

            // The other worker's job was still running when Gantry came back.
            (await holding[1].Task).Release();

            await WaitForStatusesAsync(client, socket, acknowledged, "completed");
            foreach (var id in acknowledged)
            {
                fakes.Sum(f => f.Prompts.Count(p => p.Id == id.ToString("D"))).ShouldBe(1, $"job {id} must have run exactly once");
                using var detail = await client.GetAsync($"api/jobs/{id}", Ct);
                var json = await detail.ShouldBeJsonAsync(HttpStatusCode.OK);
                json.GetProperty("outputs").GetProperty("9").GetProperty("images").GetArrayLength().ShouldBe(1);
            }

            using var list = await client.GetAsync("api/jobs?limit=100", Ct);
            (await list.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("pagination").GetProperty("total").GetInt64().ShouldBe(Jobs);
        }
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task A_kill_in_the_middle_of_a_burst_of_submits_loses_no_acknowledged_job(StoreKind kind)
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var database = kind == StoreKind.Postgres ? await PostgresTestDatabase.CreateAsync(Ct) : null;
        using var data = new TempDirectory("gantry-burst");
        string[] args = database is null
            ? ["--data", data.Path, "--no-auth"]
            : ["--data", data.Path, "--no-auth", "--store", database.ConnectionString];

        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await using (var first = await ServeProcess.StartAsync(args))
        {
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            async Task SubmitUntilRefusedAsync()
            {
                using var client = first.Client(apiKey: null);
                while (true)
                {
                    HttpResponseMessage response;
                    try
                    {
                        response = await client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body()), Ct);
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }

                    using (response)
                    {
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            return;
                        }

                        string body;
                        try
                        {
                            body = await response.Content.ReadAsStringAsync(Ct);
                        }
                        catch (HttpRequestException)
                        {
                            return;
                        }

                        using var json = System.Text.Json.JsonDocument.Parse(body);
                        acknowledged.Add(Guid.Parse(json.RootElement.GetProperty("prompt_id").GetString()!));
                        if (acknowledged.Count >= 60)
                        {
                            enough.TrySetResult();
                        }
                    }
                }
            }

            var submitters = Enumerable.Range(0, 4).Select(_ => Task.Run(SubmitUntilRefusedAsync, Ct)).ToList();
            await enough.Task.WaitAsync(TestTimeouts.Default, Ct);
            await first.Process.KillAsync();
            await Task.WhenAll(submitters).WaitAsync(TestTimeouts.Default, Ct);
        }

        await using var second = await ServeProcess.StartAsync(args);
        using var reader = second.Client(apiKey: null);
        acknowledged.Count.ShouldBeGreaterThanOrEqualTo(60);
        (await StatusesAsync(reader, acknowledged)).ShouldAllBe(s => s == "waiting_to_dispatch");
    }

    [Fact]
    public async Task A_job_being_cancelled_when_gantry_died_ends_cancelled_after_the_restart()
    {
        using var data = new TempDirectory("gantry-cancelling");
        await using var fake = await FakeComfyUiServer.StartAsync(Ct);
        var started = new TaskCompletionSource<FakeRun>(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Script = async run =>
        {
            started.TrySetResult(run);
            await run.ExecuteNodeAsync("4");
            await run.HoldUninterruptibleAsync();
            await FakeScripts.Normal(run);
        };
        string[] args = ["--data", data.Path, "--no-auth"];
        var environment = TwoFakeWorkerProcesses.Environment(fake, fake);
        environment.Remove("GANTRY__WORKERS__COMFYUI__1__NAME");
        environment.Remove("GANTRY__WORKERS__COMFYUI__1__URL");
        environment["GANTRY__SCHEDULER__CANCELGRACE"] = "00:00:01";

        Guid id;
        await using (var first = await ServeProcess.StartAsync(args, environment))
        {
            using var client = first.Client(apiKey: null);
            id = await TwoFakeWorkerProcesses.SubmitAsync(client);
            await started.Task.WaitAsync(TestTimeouts.Default, Ct);
            await using (var socket = await TestSocket.ConnectAsync(first.BaseAddress, key: null))
            {
                await WaitForStatusesAsync(client, socket, [id], "in_progress");
            }

            // The worker is asked to interrupt but does not notice; Gantry dies before the grace is over.
            using (var cancel = await client.PostAsync($"api/jobs/{id}/cancel", null, Ct))
            {
                cancel.StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            await fake.WaitForRequestAsync("POST /interrupt").WaitAsync(TestTimeouts.Default, Ct);
            await first.Process.KillAsync();
        }

        await using (var second = await ServeProcess.StartAsync(args, environment))
        {
            using var client = second.Client(apiKey: null);
            await using var socket = await TestSocket.ConnectAsync(second.BaseAddress, key: null);
            // The Cloud status says cancelled from the request on; the job has ended once ComfyUI's history lists it.
            await WaitUntilAsync(socket, async () =>
            {
                using var history = await client.GetAsync($"history/{id}", Ct);
                var json = await history.ShouldBeJsonAsync(HttpStatusCode.OK);
                return json.TryGetProperty(id.ToString("D"), out _) ? null : "the job in /history";
            });
            await WaitForStatusesAsync(client, socket, [id], "cancelled");

            // This instance asks the worker again: at once when the worker is up, or, when the job was ended here before
            // the worker was back (it is left behind), as soon as it is. Under load that can come after the job ended.
            await fake.WaitForRequestAsync("POST /interrupt", count: 2).WaitAsync(TestTimeouts.Default, Ct);
            fake.Prompts.Count.ShouldBe(1);
        }
    }

    [Fact]
    public async Task A_job_whose_hand_over_was_unanswered_when_gantry_died_runs_once_after_the_restart()
    {
        using var data = new TempDirectory("gantry-handover");
        await using var fake = await FakeComfyUiServer.StartAsync(Ct);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.BeforeAnswering = _ => answer.Task;
        fake.RefuseReusedPromptIds = true;
        string[] args = ["--data", data.Path, "--no-auth"];
        var environment = TwoFakeWorkerProcesses.Environment(fake, fake);
        environment.Remove("GANTRY__WORKERS__COMFYUI__1__NAME");
        environment.Remove("GANTRY__WORKERS__COMFYUI__1__URL");

        Guid id;
        await using (var first = await ServeProcess.StartAsync(args, environment))
        {
            using var client = first.Client(apiKey: null);
            id = await TwoFakeWorkerProcesses.SubmitAsync(client);

            // The worker has the prompt (it even runs it) but Gantry dies before hearing so.
            await fake.WaitForRequestAsync("POST /prompt").WaitAsync(TestTimeouts.Default, Ct);
            await first.Process.KillAsync();
        }

        answer.SetResult();
        await using (var second = await ServeProcess.StartAsync(args, environment))
        {
            using var client = second.Client(apiKey: null);
            await using var socket = await TestSocket.ConnectAsync(second.BaseAddress, key: null);
            await WaitForStatusesAsync(client, socket, [id], "completed");
            fake.Prompts.Select(p => p.Id).ShouldBe([id.ToString("D")]);
            fake.Requests.Count(r => r == "POST /prompt").ShouldBe(1);
        }
    }

    /// <summary>The fake's first prompt holds (its first node runs, then it waits for a release); later ones run normally.</summary>
    private static TaskCompletionSource<FakeRun> HoldFirstPrompt(FakeComfyUiServer fake)
    {
        var first = new TaskCompletionSource<FakeRun>(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Script = async run =>
        {
            if (first.TrySetResult(run))
            {
                await FakeScripts.HoldThenNormal(run);
            }
            else
            {
                await FakeScripts.Normal(run);
            }
        };
        return first;
    }

    private static async Task<List<string>> StatusesAsync(HttpClient client, IEnumerable<Guid> ids)
    {
        var statuses = new List<string>();
        foreach (var id in ids)
        {
            using var response = await client.GetAsync($"api/job/{id}/status", Ct);
            statuses.Add((await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString()!);
        }

        return statuses;
    }

    /// <summary>Waits until every job has <paramref name="status"/> (<c>/api/job/{id}/status</c>); a job ending otherwise fails the test.</summary>
    private static Task WaitForStatusesAsync(HttpClient client, TestSocket socket, IEnumerable<Guid> ids, string status)
    {
        var waiting = ids.ToList();
        return WaitUntilAsync(socket, async () =>
        {
            var statuses = await StatusesAsync(client, waiting);
            var failed = statuses.FirstOrDefault(s => s != status && s is "error" or "cancelled" or "completed");
            failed.ShouldBeNull($"a job ended {failed}");
            return statuses.All(s => s == status) ? null : string.Join(", ", statuses);
        });
    }

    /// <summary>
    /// Asks <paramref name="pending"/> again after every message the user's socket gets (each job change sends at least
    /// a queue <c>status</c> or an event) until it answers null; otherwise it says what is still awaited.
    /// </summary>
    private static async Task WaitUntilAsync(TestSocket socket, Func<Task<string?>> pending)
    {
        var next = socket.ReceiveAsync();
        while (await pending() is { } awaited)
        {
            var message = await next;
            message.Type.ShouldNotBe(System.Net.WebSockets.WebSocketMessageType.Close, $"the socket closed while waiting for: {awaited}");
            next = socket.ReceiveAsync();
        }
    }
}
