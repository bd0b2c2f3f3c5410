using Gantry.Scheduling;

namespace Gantry.Tests.Scheduling;

/// <summary>The registry of jobs left on workers: when their worker is held back from new work, and who settles each.</summary>
public sealed class LeftBehindJobsTests
{
    [Fact]
    public void A_worker_is_held_while_it_is_asked_while_its_report_is_awaited_and_while_that_result_is_recorded()
    {
        var jobs = new LeftBehindJobs();
        var worker = new ScriptedWorker("gpu-1");
        var other = new ScriptedWorker("gpu-2");
        var left = new LeftBehindJob(Guid.NewGuid(), userId: 1, sequence: 1, worker, requirements: null, payload: null);
        jobs.Add(left);
        jobs.IsHeld(worker).ShouldBeFalse("left with a job but not asked yet");

        jobs.StartReconciling(worker).ShouldBe([left]);
        jobs.IsHeld(worker).ShouldBeTrue("asked about the job");
        left.AwaitReport();
        left.StopReconciling();
        jobs.IsHeld(worker).ShouldBeTrue("it said it finished the job; its report is awaited");

        jobs.TrySettle(other, left.JobId).ShouldBeNull("only the worker the job was left on settles it");
        jobs.TrySettle(worker, left.JobId).ShouldBeSameAs(left);
        jobs.TrySettle(worker, left.JobId).ShouldBeNull("settled once");
        jobs.Find(worker, left.JobId).ShouldBeNull();
        jobs.IsHeld(worker).ShouldBeTrue("its result is being recorded: the worker must not be handed the job's copy now");

        jobs.Settled(left);
        jobs.IsHeld(worker).ShouldBeFalse();
        jobs.Count.ShouldBe(0);
    }

    [Fact]
    public void A_result_reported_without_being_asked_still_holds_the_worker_until_it_is_recorded()
    {
        var jobs = new LeftBehindJobs();
        var worker = new ScriptedWorker("gpu-1");
        var left = new LeftBehindJob(Guid.NewGuid(), userId: 1, sequence: 1, worker, requirements: null, payload: null);
        jobs.Add(left);

        jobs.TrySettle(worker, left.JobId).ShouldBeSameAs(left);
        jobs.IsHeld(worker).ShouldBeTrue();
        jobs.StartReconciling(worker).ShouldBeEmpty("a job being settled is not asked about again");

        // Another job left behind meanwhile does not push the one being recorded out of the registry.
        jobs.Add(new LeftBehindJob(Guid.NewGuid(), userId: 1, sequence: 2, new ScriptedWorker("gpu-2"), requirements: null, payload: null));
        jobs.IsHeld(worker).ShouldBeTrue();
        jobs.Settled(left);
        jobs.IsHeld(worker).ShouldBeFalse();
    }
}
