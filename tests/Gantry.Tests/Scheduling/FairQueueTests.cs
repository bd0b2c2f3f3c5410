using Gantry.Domain;
using Gantry.Scheduling;

namespace Gantry.Tests.Scheduling;

/// <summary>The scheduler's decisions: fairness between users, weights, limits, ties, and placement of a job on a worker.</summary>
public sealed class FairQueueTests
{
    [Fact]
    public void A_late_user_is_interleaved_with_a_user_who_queued_a_hundred_jobs()
    {
        var s = new FairQueueScenario().Worker("w", slots: 2);
        s.Enqueue("A", 100);
        s.Dispatch().ShouldBe(["A1", "A2"]);
        s.Enqueue("B", 5);
        s.Dispatch().ShouldBeEmpty();

        var order = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            s.Finish();
            order.AddRange(s.Dispatch());
        }

        order.ShouldBe(["B1", "A3", "B2", "A4", "B3", "A5", "B4", "A6", "B5", "A7", "A8"]);
    }

    [Fact]
    public void Equal_shares_are_served_round_robin_by_least_recently_served()
    {
        var s = new FairQueueScenario().Worker("w");
        s.Enqueue("A", 3);
        s.Enqueue("B", 3);
        s.Enqueue("C", 3);

        var order = new List<string>(s.Dispatch());
        for (var i = 0; i < 8; i++)
        {
            s.Finish();
            order.AddRange(s.Dispatch());
        }

        order.ShouldBe(["A1", "B1", "C1", "A2", "B2", "C2", "A3", "B3", "C3"]);
    }

    [Fact]
    public void Least_recently_served_beats_an_older_waiting_job()
    {
        var s = new FairQueueScenario().Worker("w");
        s.Enqueue("A", 2);
        s.Dispatch().ShouldBe(["A1"]);
        s.Enqueue("B", 1);
        s.Finish("A1");

        // Both have nothing running; A's next job is older, but B has never been served.
        s.Dispatch().ShouldBe(["B1"]);
    }

    [Fact]
    public void A_user_with_twice_the_weight_holds_twice_the_workers()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 0).Worker("w1").Worker("w2").Worker("w3");
        s.Queue.SetUserShare(s.UserId("H"), weight: 2, maxRunning: null);
        s.Enqueue("H", 40);
        s.Enqueue("L", 40);

        s.Dispatch().ShouldBe(["H1", "L1", "H2"]);
        for (var round = 0; round < 30; round++)
        {
            s.Finish();
            s.Dispatch().Count.ShouldBe(1);
            s.RunningOf("H").ShouldBe(2);
            s.RunningOf("L").ShouldBe(1);
        }
    }

    [Fact]
    public void Weights_decide_even_when_one_user_queued_first()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 0);
        for (var i = 1; i <= 4; i++)
        {
            s.Worker($"w{i}");
        }

        s.Queue.SetUserShare(s.UserId("B"), weight: 3, maxRunning: null);
        s.Enqueue("A", 10);
        s.Enqueue("B", 10);
        s.Dispatch();
        s.RunningOf("A").ShouldBe(1);
        s.RunningOf("B").ShouldBe(3);
    }

    [Fact]
    public void A_user_at_the_concurrency_limit_is_skipped()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 3);
        for (var i = 1; i <= 5; i++)
        {
            s.Worker($"w{i}");
        }

        s.Enqueue("A", 10);
        s.Dispatch().Count.ShouldBe(3);
        s.Queue.FreeWorkerCount.ShouldBe(2);

        s.Enqueue("B", 10);
        s.Dispatch().ShouldBe(["B1", "B2"]);
        s.RunningOf("A").ShouldBe(3);
        s.RunningOf("B").ShouldBe(2);
    }

    [Fact]
    public void A_users_own_limit_overrides_the_default_and_zero_means_none()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 3);
        for (var i = 1; i <= 6; i++)
        {
            s.Worker($"w{i}");
        }

        s.Queue.SetUserShare(s.UserId("One"), weight: null, maxRunning: 1);
        s.Queue.SetUserShare(s.UserId("Many"), weight: null, maxRunning: 0);
        s.Enqueue("One", 5);
        s.Enqueue("Many", 10);
        s.Dispatch();
        s.RunningOf("One").ShouldBe(1);
        s.RunningOf("Many").ShouldBe(5);

        // Raising the limit later lets the user take the next free slot.
        s.Queue.SetUserShare(s.UserId("One"), weight: null, maxRunning: 2);
        s.Finish(s.Running.First(l => l.StartsWith("Many", StringComparison.Ordinal)));
        s.Dispatch().ShouldBe(["One2"]);
    }

    [Fact]
    public void A_worker_holds_at_most_its_slots_and_an_idle_worker_beats_prefetching()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 0).Worker("a", slots: 2);
        s.Enqueue("U", 5);
        s.Dispatch().ShouldBe(["U1", "U2"]);
        s.Queue.HeldBy("a").ShouldBe(2);

        s.Worker("b", slots: 2);
        s.Finish("U1");
        s.Dispatch();
        // a had one job and b none: both free, b is idle, so it gets U3 first; then a's free slot and b's second.
        s.Placements.ShouldBe(["U1@a", "U2@a", "U3@b", "U4@a", "U5@b"]);
    }

    [Fact]
    public void Jobs_go_only_to_workers_whose_catalog_has_every_class()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 0)
            .Worker("a-basic", capabilities: SchedulingCatalogs.Classes("Load", "Save"))
            .Worker("b-full", capabilities: SchedulingCatalogs.Classes("Load", "Save", "Upscale"));
        s.Enqueue("U", 1, SchedulingCatalogs.Needs("Load", "Upscale", "Save"));
        s.Enqueue("V", 1, SchedulingCatalogs.Needs("Load", "Save"));
        s.Dispatch();
        s.Placements.ShouldBe(["U1@b-full", "V1@a-basic"]);
    }

    [Fact]
    public void Jobs_go_only_to_workers_that_list_the_model_files_they_name()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 0)
            .Worker("a", capabilities: SchedulingCatalogs.Capabilities(["Sampler"], "sd15.safetensors"))
            .Worker("b", capabilities: SchedulingCatalogs.Capabilities(["Sampler"], "sdxl.safetensors", "flux.safetensors"));
        s.Enqueue("U", 1, SchedulingCatalogs.Needs(["Sampler"], "flux.safetensors"));
        s.Enqueue("V", 1, SchedulingCatalogs.Needs(["Sampler"], "sd15.safetensors"));
        s.Dispatch();
        s.Placements.ShouldBe(["U1@b", "V1@a"]);
    }

    [Fact]
    public void A_job_waits_when_its_only_capable_worker_is_busy_and_does_not_block_other_users()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 0)
            .Worker("plain", capabilities: SchedulingCatalogs.Classes("Any"))
            .Worker("special", capabilities: SchedulingCatalogs.Classes("Any", "Rare"));
        s.Enqueue("A", 1, SchedulingCatalogs.Needs("Rare"));
        s.Dispatch().ShouldBe(["A1"]);
        s.Placements.ShouldBe(["A1@special"]);

        // A's next job needs the busy worker: A waits (its later jobs too: per-user FIFO), B runs on the free one.
        s.Enqueue("A", 1, SchedulingCatalogs.Needs("Rare"));
        s.Enqueue("A", 1, SchedulingCatalogs.Needs("Any"));
        s.Enqueue("B", 1, SchedulingCatalogs.Needs("Any"));
        s.Dispatch().ShouldBe(["B1"]);
        s.Unrunnable.ShouldBeEmpty();

        s.Finish("A1");
        s.Dispatch().ShouldBe(["A2"]);
        s.Finish("B1");
        s.Dispatch().ShouldBe(["A3"]);
    }

    [Fact]
    public void A_job_no_worker_can_ever_run_leaves_the_queue_with_the_reason()
    {
        var s = new FairQueueScenario()
            .Worker("a", capabilities: SchedulingCatalogs.Classes("Any"))
            .Worker("b", capabilities: SchedulingCatalogs.Capabilities(["Any"], "one.safetensors"));
        s.Enqueue("U", 1, SchedulingCatalogs.Needs(["Any", "Missing"]));
        s.Enqueue("U", 1, SchedulingCatalogs.Needs(["Any"], "two.safetensors"));
        s.Enqueue("U", 1);
        s.Dispatch().ShouldBe(["U3"]);
        s.Unrunnable.Count.ShouldBe(2);
        s.Unrunnable[0].ShouldStartWith("U1: No worker can run this graph:");
        s.Unrunnable[0].ShouldContain("'a' lacks node class 'Missing'");
        s.Unrunnable[1].ShouldContain("'b' lacks model 'two.safetensors' (CheckpointLoaderSimple.ckpt_name)");
        s.Queue.QueuedCount.ShouldBe(0);
    }

    [Fact]
    public void A_job_waits_while_a_worker_might_still_run_it()
    {
        // No workers at all: nothing is configured yet, the job waits.
        var s = new FairQueueScenario();
        s.Enqueue("U", 1, SchedulingCatalogs.Needs("Rare"));
        s.Dispatch().ShouldBeEmpty();
        s.Unrunnable.ShouldBeEmpty();

        // A worker whose catalog is not known yet might have it.
        s.Queue.SetWorker("probing", capabilities: null, slots: 1, WorkerAvailability.Unavailable);
        s.Worker("plain", capabilities: SchedulingCatalogs.Classes("Any"));
        s.Dispatch().ShouldBeEmpty();
        s.Unrunnable.ShouldBeEmpty();

        // It reports a catalog without the class: now no worker will ever run the job.
        s.Queue.SetWorker("probing", SchedulingCatalogs.Classes("Any"), 1, WorkerAvailability.Unavailable);
        s.Dispatch().ShouldBeEmpty();
        s.Unrunnable.Single().ShouldContain("lacks node class 'Rare'");
    }

    [Fact]
    public void An_offline_worker_that_fits_keeps_the_job_waiting_and_gets_it_when_back()
    {
        var s = new FairQueueScenario()
            .Worker("gpu", capabilities: SchedulingCatalogs.Classes("Rare"), availability: WorkerAvailability.Unavailable)
            .Worker("cpu", capabilities: SchedulingCatalogs.Classes("Any"));
        s.Enqueue("U", 1, SchedulingCatalogs.Needs("Rare"));
        s.Dispatch().ShouldBeEmpty();
        s.Unrunnable.ShouldBeEmpty();

        s.Worker("gpu", capabilities: SchedulingCatalogs.Classes("Rare"));
        s.Dispatch().ShouldBe(["U1"]);
    }

    [Fact]
    public void Draining_and_offline_workers_get_nothing()
    {
        var s = new FairQueueScenario()
            .Worker("draining", availability: WorkerAvailability.Retired)
            .Worker("offline", availability: WorkerAvailability.Unavailable);
        s.Enqueue("U", 2);
        s.Dispatch().ShouldBeEmpty();
        s.Worker("online");
        s.Dispatch().ShouldBe(["U1"]);
        s.Placements.ShouldBe(["U1@online"]);
    }

    [Fact]
    public void A_job_prefers_the_worker_whose_last_job_loaded_the_same_checkpoint()
    {
        var both = SchedulingCatalogs.Capabilities(["Sampler"], "x.safetensors", "y.safetensors");
        var s = new FairQueueScenario(defaultMaxRunning: 0).Worker("a", capabilities: both).Worker("b", capabilities: both);
        s.Enqueue("U", 1, SchedulingCatalogs.Needs(["Sampler"], "x.safetensors"));
        s.Enqueue("U", 1, SchedulingCatalogs.Needs(["Sampler"], "y.safetensors"));
        s.Dispatch();
        s.Placements.ShouldBe(["U1@a", "U2@b"]);
        s.Finish("U1");
        s.Finish("U2");

        // Both idle: y goes back to b although a sorts first, x to a; a job without models changes no affinity.
        s.Enqueue("V", 1, SchedulingCatalogs.Needs(["Sampler"], "y.safetensors"));
        s.Enqueue("V", 1, SchedulingCatalogs.Needs(["Sampler"], "x.safetensors"));
        s.Dispatch();
        s.Placements.Skip(2).ShouldBe(["V1@b", "V2@a"]);
        s.Finish("V1");
        s.Finish("V2");
        s.Enqueue("W", 1, SchedulingCatalogs.Needs(["Sampler"]));
        s.Dispatch();
        s.Finish("W1");
        s.Enqueue("W", 1, SchedulingCatalogs.Needs(["Sampler"], "y.safetensors"));
        s.Dispatch();
        s.Placements.Last().ShouldBe("W2@b");
    }

    [Fact]
    public void An_idle_worker_beats_checkpoint_affinity()
    {
        var both = SchedulingCatalogs.Capabilities(["Sampler"], "x.safetensors", "y.safetensors");
        var s = new FairQueueScenario(defaultMaxRunning: 0).Worker("a", capabilities: both).Worker("b", slots: 2, capabilities: both);
        s.Enqueue("U", 1, SchedulingCatalogs.Needs(["Sampler"], "x.safetensors"));
        s.Enqueue("U", 1, SchedulingCatalogs.Needs(["Sampler"], "y.safetensors"));
        s.Dispatch();
        s.Placements.ShouldBe(["U1@b", "U2@a"]);
        s.Finish("U2");

        // b (last: x) still runs U1 with a free prefetch slot; a (last: y) is idle and wins for another x job.
        s.Enqueue("U", 1, SchedulingCatalogs.Needs(["Sampler"], "x.safetensors"));
        s.Dispatch();
        s.Placements.Last().ShouldBe("U3@a");
    }

    [Fact]
    public void A_users_next_two_jobs_are_read_ahead_and_only_the_head_decides()
    {
        var s = new FairQueueScenario().Worker("w", slots: 2);
        var ids = s.Enqueue("U", 4, prepared: false);
        s.Queue.HeadsAwaitingRequirements.Select(j => j.JobId).ShouldBe([ids[0], ids[1]], ignoreOrder: true);
        s.Dispatch().ShouldBeEmpty();

        // The job behind the head is ready first: it still waits for the head.
        s.Queue.SetRequirements(ids[1], SchedulingCatalogs.Needs("Any")).ShouldBeTrue();
        s.Dispatch().ShouldBeEmpty();
        s.Queue.HeadsAwaitingRequirements.Select(j => j.JobId).ShouldBe([ids[0]]);

        s.Queue.SetRequirements(ids[0], SchedulingCatalogs.Needs("Any")).ShouldBeTrue();
        s.Dispatch().ShouldBe(["U1", "U2"]);
        s.Queue.HeadsAwaitingRequirements.Select(j => j.JobId).ShouldBe([ids[2], ids[3]], ignoreOrder: true);
    }

    [Fact]
    public void A_users_next_job_is_read_with_the_head_so_it_takes_the_next_slot_it_is_due()
    {
        // B already holds two slots elsewhere and A none: both free slots of w are A's by the fair order. One pass of the
        // reader reads what the queue asks for. Had it asked for A's head alone, A2 would not be ready when A1 left the
        // queue, and B would have taken the second slot.
        var s = new FairQueueScenario(defaultMaxRunning: 0).Worker("w", slots: 2).Worker("x", slots: 2);
        s.Queue.Place(Guid.NewGuid(), s.UserId("B"), "x").ShouldBeTrue();
        s.Queue.Place(Guid.NewGuid(), s.UserId("B"), "x").ShouldBeTrue();
        s.Enqueue("A", 3, prepared: false);
        s.Enqueue("B", 1, prepared: false);

        foreach (var job in s.Queue.HeadsAwaitingRequirements.ToArray())
        {
            s.Queue.SetRequirements(job.JobId, SchedulingCatalogs.Needs("Any")).ShouldBeTrue();
        }

        s.Dispatch().ShouldBe(["A1", "A2"]);
    }

    [Fact]
    public void Removing_jobs_and_releasing_unknown_ones_keep_the_counts_right()
    {
        var s = new FairQueueScenario().Worker("w");
        var ids = s.Enqueue("U", 3);
        s.Queue.Enqueue(new QueuedJob(ids[0], s.UserId("U"), 1)).ShouldBeFalse();
        s.Queue.Remove(ids[0]).ShouldBeTrue();
        s.Queue.Remove(ids[0]).ShouldBeFalse();
        s.Queue.QueuedOf(s.UserId("U")).ShouldBe(2);
        s.Dispatch().ShouldBe(["U2"]);
        s.Queue.Enqueue(new QueuedJob(ids[1], s.UserId("U"), 2)).ShouldBeFalse();
        s.Queue.Remove(ids[1]).ShouldBeFalse();
        s.Queue.Release(Guid.NewGuid()).ShouldBeFalse();
        s.Queue.SetRequirements(Guid.NewGuid(), JobRequirements.None).ShouldBeFalse();
        s.Queue.QueuedCount.ShouldBe(1);
        s.Queue.PlacedCount.ShouldBe(1);
        s.Queue.WorkerOf(ids[1]).ShouldBe("w");
    }

    [Fact]
    public void A_requeued_job_goes_back_to_the_front_of_its_users_queue()
    {
        var s = new FairQueueScenario().Worker("w");
        var ids = s.Enqueue("U", 3);
        s.Dispatch().ShouldBe(["U1"]);
        s.Queue.Release(ids[0]).ShouldBeTrue();
        var again = new QueuedJob(ids[0], s.UserId("U"), 1) { Requirements = SchedulingCatalogs.Needs("Any") };
        s.Queue.Enqueue(again).ShouldBeTrue();
        s.Queue.Next().ShouldBeOfType<FairQueueDecision.Assign>().Job.JobId.ShouldBe(ids[0]);
    }

    [Fact]
    public void Jobs_found_on_workers_after_a_restart_count_against_slots_and_limits()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 2).Worker("a", slots: 2).Worker("b", slots: 2);
        s.Queue.Place(Guid.NewGuid(), s.UserId("U"), "a").ShouldBeTrue();
        s.Queue.Place(Guid.NewGuid(), s.UserId("U"), "a").ShouldBeTrue();
        s.Queue.HeldBy("a").ShouldBe(2);
        s.Enqueue("U", 2);
        s.Enqueue("V", 1);
        s.Dispatch().ShouldBe(["V1"]);
        s.Placements.ShouldBe(["V1@b"]);
        s.RunningOf("U").ShouldBe(2);
    }

    [Fact]
    public void A_removed_worker_gets_nothing_and_its_jobs_release_cleanly()
    {
        var s = new FairQueueScenario().Worker("a");
        s.Enqueue("U", 2);
        s.Dispatch().ShouldBe(["U1"]);
        s.Queue.RemoveWorker("a").ShouldBeTrue();
        s.Queue.RemoveWorker("a").ShouldBeFalse();
        s.Finish("U1");
        s.Dispatch().ShouldBeEmpty();
        s.Queue.FreeWorkerCount.ShouldBe(0);
        s.Worker("b");
        s.Dispatch().ShouldBe(["U2"]);
    }

    [Fact]
    public void Requirement_caches_start_over_instead_of_growing_without_bound()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 0).Worker("w", slots: 1);
        for (var i = 0; i < FairQueue.MaxCachedRequirementSets + 5; i++)
        {
            s.Enqueue("U", 1, SchedulingCatalogs.Needs(["Any"], $"m{i}.safetensors"));
        }

        // Every one of them names a model the worker's checkpoint list does not have: all leave as unrunnable.
        s.Dispatch().ShouldBeEmpty();
        s.Unrunnable.Count.ShouldBe(FairQueue.MaxCachedRequirementSets + 5);
    }
}
