using System.Diagnostics;
using System.Net;
using Gantry.Tests.Events;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// Three <c>gantry serve</c> processes on one PostgreSQL database and two scripted fake ComfyUI workers (which see every
/// prompt id). Jobs are submitted through the followers only, so the leader must hear of them from the database. The
/// leader goes (SIGKILL, its database session terminated, SIGTERM) while jobs run on the workers and wait in the queue,
/// twice in a row: each time another instance leads within 10 s, reconciles the jobs on the workers, and every
/// acknowledged job finishes exactly once. A client on every instance follows <c>/ws</c>; after the fault, jobs submitted
/// through every surviving instance reach the clients of all of them, each frame once and in the same order (the new
/// leader's clients hear its workers, the others through the event relay).
/// </summary>
public sealed class LeaderFailoverTests
{
    private const string LeadingLine = "Leading the dispatcher";
    private const int JobsPerRound = 6;
    private const int JobsAfterFault = 4;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>How the leader of a round goes.</summary>
    public enum Fault
    {
        /// <summary>SIGKILL of the process.</summary>
        Kill,

        /// <summary><c>pg_terminate_backend</c> of its leadership session: the process lives on and must stop dispatching.</summary>
        TerminateSession,

        /// <summary>SIGTERM: it stops and hands over.</summary>
        Stop,
    }

    [Fact]
    public async Task A_killed_leader_is_replaced_within_ten_seconds_and_every_acknowledged_job_runs_exactly_once() =>
        await RunRoundsAsync(Fault.Kill, Fault.Kill);

    [Fact]
    public async Task A_leader_whose_session_is_terminated_or_that_is_stopped_hands_over_without_a_failed_job() =>
        await RunRoundsAsync(Fault.TerminateSession, Fault.Stop);

    private static async Task RunRoundsAsync(params Fault[] faults)
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var database = await PostgresTestDatabase.CreateAsync(Ct);
        using var data = new TempDirectory("gantry-failover");
        await using var gpuA = await FakeComfyUiServer.StartAsync(Ct);
        await using var gpuB = await FakeComfyUiServer.StartAsync(Ct);
        FakeComfyUiServer[] fakes = [gpuA, gpuB];
        var holds = fakes.Select(Hold).ToArray();
        string[] args = ["--data", data.Path, "--no-auth", "--store", database.ConnectionString];
        var environment = TwoFakeWorkerProcesses.Environment(gpuA, gpuB);

        // The first instance leads (it is alone); those started after it follow.
        var instances = new List<ServeProcess> { await ServeProcess.StartAsync(args, environment) };
        try
        {
            var leader = instances[0];
            await leader.Process.WaitForLineAsync(LeadingLine);
            for (var i = 0; i < faults.Length; i++)
            {
                instances.Add(await ServeProcess.StartAsync(args, environment));
            }

            (await ReadinessAsync(leader)).ShouldBe("leader");
            (await ReadinessAsync(instances[1])).ShouldBe("follower");

            var acknowledged = new List<Guid>();
            var takeovers = new List<TimeSpan>();
            foreach (var fault in faults)
            {
                var followers = instances.Where(i => i != leader).ToList();
                var recorders = new List<(ServeProcess Instance, SocketRecorder Recorder)>();
                foreach (var instance in instances)
                {
                    recorders.Add((instance, await SocketRecorder.OpenAsync(instance.BaseAddress, $"client of instance {instances.IndexOf(instance)}")));
                }

                foreach (var hold in holds)
                {
                    hold.Arm();
                }

                // Submitted through the followers only: the leader hears of the jobs from the database.
                for (var i = 0; i < JobsPerRound; i++)
                {
                    using var client = followers[i % followers.Count].Client(apiKey: null);
                    acknowledged.Add(await TwoFakeWorkerProcesses.SubmitAsync(client));
                }

                // Under load: each worker runs a held job and the rest wait, on the workers or in the queue.
                var held = await Task.WhenAll(holds.Select(h => h.Held.WaitAsync(TestTimeouts.Default, Ct)));

                var clock = Stopwatch.StartNew();
                var old = leader;
                await InjectAsync(fault, old, database);
                leader = await FirstToLeadAsync(followers);
                takeovers.Add(clock.Elapsed);
                if (fault == Fault.TerminateSession)
                {
                    // It noticed, stopped dispatching and stopped itself; a supervisor would start it again as a follower.
                    (await old.Process.WaitForExitAsync(TestTimeouts.Default)).ShouldBe(0);
                }

                foreach (var gone in instances.Where(i => i.Process.HasExited).ToList())
                {
                    await gone.DisposeAsync();
                    instances.Remove(gone);
                }

                (await ReadinessAsync(leader)).ShouldBe("leader");
                foreach (var run in held)
                {
                    run.Release();
                }

                using var reader = leader.Client(apiKey: null);
                await using var socket = await TestSocket.ConnectAsync(leader.BaseAddress, key: null);
                await WaitForCompletedAsync(reader, socket, acknowledged);

                // Events keep flowing to the clients of every surviving instance, whichever instance took the job.
                var after = new List<Guid>();
                for (var i = 0; i < JobsAfterFault; i++)
                {
                    using var client = instances[i % instances.Count].Client(apiKey: null);
                    after.Add(await TwoFakeWorkerProcesses.SubmitAsync(client));
                }

                acknowledged.AddRange(after);
                await WaitForCompletedAsync(reader, socket, acknowledged);
                await ShouldAllSeeTheSameFramesAsync([.. recorders.Where(r => instances.Contains(r.Instance)).Select(r => r.Recorder)], after);
                foreach (var (_, recorder) in recorders)
                {
                    await recorder.DisposeAsync();
                }
            }

            var report = $"takeover after {string.Join(", ", faults)}: {string.Join(", ", takeovers.Select(t => $"{t.TotalMilliseconds:0} ms"))}";
            TestContext.Current.TestOutputHelper?.WriteLine(report);
            Console.WriteLine(report);
            takeovers.ShouldAllBe(t => t < TimeSpan.FromSeconds(10));
            foreach (var id in acknowledged)
            {
                fakes.Sum(f => f.Prompts.Count(p => p.Id == id.ToString("D"))).ShouldBe(1, $"job {id} must have run exactly once");
            }

            using var list = await leader.Client(apiKey: null).GetAsync("api/jobs?limit=100", Ct);
            (await list.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("pagination").GetProperty("total").GetInt64().ShouldBe(acknowledged.Count);
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    /// <summary>Each job's frames on every client: one start, one success, the final frame last, none twice, the same everywhere.</summary>
    private static async Task ShouldAllSeeTheSameFramesAsync(IReadOnlyList<SocketRecorder> recorders, IReadOnlyList<Guid> jobs)
    {
        recorders.ShouldNotBeEmpty();
        foreach (var id in jobs)
        {
            var journals = await Task.WhenAll(recorders.Select(r => r.JobAsync(id)));
            var reference = journals[0];
            var types = reference.Select(f => System.Text.Json.JsonDocument.Parse(f).RootElement.GetProperty("type").GetString()).ToList();
            types.Count(t => t == "execution_start").ShouldBe(1, $"job {id}: {string.Join(", ", types)}");
            types.Count(t => t == "execution_success").ShouldBe(1, $"job {id}: {string.Join(", ", types)}");
            reference.Distinct().Count().ShouldBe(reference.Count, $"job {id}: a frame came twice");
            for (var i = 1; i < journals.Length; i++)
            {
                journals[i].ShouldBe(reference, $"job {id}: {recorders[i].Name} against {recorders[0].Name}");
            }
        }
    }

    private static async Task InjectAsync(Fault fault, ServeProcess leader, PostgresTestDatabase database)
    {
        switch (fault)
        {
            case Fault.Kill:
                await leader.Process.KillAsync();
                break;
            case Fault.Stop:
                await leader.Process.TerminateAsync();
                break;
            case Fault.TerminateSession:
                await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
                {
                    await connection.OpenAsync(Ct);
                    await using var command = new Npgsql.NpgsqlCommand(
                        "SELECT count(pg_terminate_backend(a.pid)) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid " +
                        "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'gantry-leadership' AND a.datname = current_database()",
                        connection);
                    (await command.ExecuteScalarAsync(Ct)).ShouldBe(1L);
                }

                break;
        }
    }

    /// <summary>The first of <paramref name="followers"/> to say it leads (one that exits meanwhile does not count).</summary>
    private static async Task<ServeProcess> FirstToLeadAsync(IReadOnlyList<ServeProcess> followers)
    {
        var first = new TaskCompletionSource<ServeProcess>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waits = followers.Select(async f =>
        {
            await f.Process.WaitForLineAsync(LeadingLine);
            first.TrySetResult(f);
        }).ToList();
        _ = Task.WhenAll(waits).ContinueWith(t => first.TrySetException((Exception?)t.Exception ?? new InvalidOperationException("nobody leads")), TaskScheduler.Default);
        return await first.Task;
    }

    private static async Task<string> ReadinessAsync(ServeProcess instance)
    {
        using var client = instance.Client(apiKey: null);
        using var response = await client.GetAsync("readyz", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>While armed, the fake holds the first prompt it starts (its first node runs, then it waits for a release); the others run normally.</summary>
    private static RoundHold Hold(FakeComfyUiServer fake)
    {
        var hold = new RoundHold();
        fake.Script = async run =>
        {
            if (hold.TryTake(run))
            {
                await FakeScripts.HoldThenNormal(run);
            }
            else
            {
                await FakeScripts.Normal(run);
            }
        };
        return hold;
    }

    /// <summary>Asks again after every message the leader's socket gets until every job is completed; a job ending otherwise fails the test.</summary>
    private static async Task WaitForCompletedAsync(HttpClient client, TestSocket socket, IReadOnlyList<Guid> ids)
    {
        var next = socket.ReceiveAsync();
        while (true)
        {
            var statuses = new List<string>();
            foreach (var id in ids)
            {
                using var response = await client.GetAsync($"api/job/{id}/status", Ct);
                statuses.Add((await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString()!);
            }

            statuses.ShouldNotContain(s => s == "error" || s == "cancelled");
            if (statuses.All(s => s == "completed"))
            {
                return;
            }

            var message = await next;
            message.Type.ShouldNotBe(System.Net.WebSockets.WebSocketMessageType.Close, $"the socket closed while waiting: {string.Join(", ", statuses)}");
            next = socket.ReceiveAsync();
        }
    }

    /// <summary>One held run per round and fake.</summary>
    private sealed class RoundHold
    {
        private TaskCompletionSource<FakeRun> _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        public Task<FakeRun> Held => Volatile.Read(ref _held).Task;

        public void Arm()
        {
            Volatile.Write(ref _held, new TaskCompletionSource<FakeRun>(TaskCreationOptions.RunContinuationsAsynchronously));
            Volatile.Write(ref _armed, 1);
        }

        public bool TryTake(FakeRun run) => Interlocked.Exchange(ref _armed, 0) == 1 && Volatile.Read(ref _held).TrySetResult(run);
    }
}
