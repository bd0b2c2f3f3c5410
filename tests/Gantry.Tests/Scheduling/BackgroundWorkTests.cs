using Gantry.Scheduling;
using Gantry.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Gantry.Tests.Scheduling;

/// <summary>The dispatcher's work beside its loop: tracked, failures logged, drained on stop within a bound.</summary>
public sealed class BackgroundWorkTests : DispatcherTestBase
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Draining_waits_for_work_still_running_including_work_it_starts()
    {
        using var log = new TestLog();
        var work = new BackgroundWork(log.CreateLogger("Gantry.Scheduling.Tests"), new FakeTimeProvider());
        using var stop = new CancellationTokenSource();
        work.Start(stop.Token);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Run(Guid.NewGuid(), async () =>
        {
            await first.Task;
            work.Run(Guid.NewGuid(), () => second.Task);
            secondStarted.SetResult();
        });
        await stop.CancelAsync();

        var draining = work.DrainAsync(TimeSpan.FromSeconds(10));
        work.Count.ShouldBe(1);
        first.SetResult();
        await secondStarted.Task.WaitAsync(TestTimeouts.Default, Ct);
        draining.IsCompleted.ShouldBeFalse();
        second.SetResult();
        (await draining.WaitAsync(TestTimeouts.Default, Ct)).ShouldBeTrue();
        work.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Draining_gives_up_after_its_bound_and_says_so()
    {
        using var log = new TestLog();
        var clock = new FakeTimeProvider();
        var work = new BackgroundWork(log.CreateLogger("Gantry.Scheduling.Tests"), clock);
        work.Start(CancellationToken.None);
        var never = new TaskCompletionSource();
        work.Run(Guid.NewGuid(), () => never.Task);

        var draining = work.DrainAsync(TimeSpan.FromSeconds(10));
        draining.IsCompleted.ShouldBeFalse();
        clock.Advance(TimeSpan.FromSeconds(10));

        (await draining.WaitAsync(TestTimeouts.Default, Ct)).ShouldBeFalse();
        log.Tail().ShouldContain("1 pieces of work still running");
        never.SetResult();
    }

    [Fact]
    public async Task A_failure_is_logged_and_never_escapes()
    {
        using var log = new TestLog();
        var work = new BackgroundWork(log.CreateLogger("Gantry.Scheduling.Tests"), new FakeTimeProvider());
        work.Start(CancellationToken.None);
        var jobId = Guid.NewGuid();

        await work.Guard(jobId, () => throw new InvalidOperationException("boom"));
        work.Run(jobId, () => Task.FromException(new InvalidOperationException("bang")));
        (await work.DrainAsync(TimeSpan.FromSeconds(1)).WaitAsync(TestTimeouts.Default, Ct)).ShouldBeTrue();

        log.Tail().ShouldContain($"Dispatcher work for job {jobId} failed");
        log.Tail().ShouldContain("boom");
        log.Tail().ShouldContain("bang");
    }

    [Fact]
    public async Task Stopping_the_dispatcher_waits_for_a_hand_over_in_flight_before_the_workers_are_disposed()
    {
        var worker = new ScriptedWorker("gpu-1");
        var hold = worker.HoldNextSubmit();
        var h = await StartAsync([worker]);
        var user = await h.UserAsync();
        await h.SubmitAsync(user);
        await worker.SubmitEntered.Task.WaitAsync(TestTimeouts.Default, Ct);

        // The hand-over ends only once the dispatcher is stopping (this worker ignores the token, as a slow call would).
        using var release = worker.SubmitToken.Register(() => hold.TrySetResult());
        await h.Dispatcher.StopAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default, Ct);

        lock (worker.Events)
        {
            worker.Events.ShouldBe(["submit returned", "disposed"]);
        }
    }
}
