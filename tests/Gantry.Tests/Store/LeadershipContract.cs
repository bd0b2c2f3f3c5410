using Gantry.Domain;
using Gantry.Store.Leadership;
using Gantry.Store.Relational;

namespace Gantry.Tests.Store;

/// <summary>
/// The dispatcher's leadership term and the fencing of job transitions by its epoch: a move decided under an older term
/// than the store's is refused and writes nothing; a move under the current term, or an unfenced one, goes through.
/// </summary>
public abstract class LeadershipContract(StoreBackend backend) : StoreTestBase(backend)
{
    private LeadershipSql Sql => new((IRelationalDatabase)Store);

    [Fact]
    public async Task Each_term_has_a_higher_epoch_and_names_its_holder()
    {
        var first = await Sql.BeginTermAsync("instance-a", 1_000, Ct);
        var second = await Sql.BeginTermAsync("instance-b", 2_000, Ct);

        second.ShouldBe(first + 1);
        (await Sql.ReadTermAsync(Ct)).ShouldBe((second, "instance-b"));
    }

    [Fact]
    public async Task A_move_under_an_older_epoch_is_refused_and_writes_nothing()
    {
        var user = await NewUserAsync();
        var job = await JobInStateAsync(user.Id, JobState.Queued);
        var old = await Sql.BeginTermAsync("paused-leader", 1_000, Ct);
        var current = await Sql.BeginTermAsync("new-leader", 2_000, Ct);

        var stale = await Store.TransitionAsync(Dispatch(job, "gpu-old", old), Ct);

        stale.ShouldBeNull();
        (await Store.GetJobAsync(job.Id, Ct)).ShouldBe(job);

        var moved = await Store.TransitionAsync(Dispatch(job, "gpu-new", current), Ct);
        moved.ShouldNotBeNull();
        moved.State.ShouldBe(JobState.Dispatched);
        moved.Worker.ShouldBe("gpu-new");
    }

    [Fact]
    public async Task A_terminal_move_under_an_older_epoch_does_not_overwrite_the_new_leaders_result()
    {
        var user = await NewUserAsync();
        var job = await JobInStateAsync(user.Id, JobState.Running);
        var old = await Sql.BeginTermAsync("paused-leader", 1_000, Ct);
        var current = await Sql.BeginTermAsync("new-leader", 2_000, Ct);

        var requeued = await Store.TransitionAsync(
            new JobTransition { JobId = job.Id, To = JobState.Queued, AtMs = 3_000, ResetExecution = true, Epoch = current }, Ct);
        requeued.ShouldNotBeNull();

        // The old leader wakes up and reports the job it had failed; the store keeps the new leader's decision.
        var stale = await Store.TransitionAsync(
            new JobTransition { JobId = job.Id, To = JobState.Cancelled, AtMs = 4_000, ErrorMessage = "stale", Epoch = old }, Ct);

        stale.ShouldBeNull();
        (await Store.GetJobAsync(job.Id, Ct)).ShouldBe(requeued);
    }

    [Fact]
    public async Task An_unfenced_move_is_not_checked_against_the_epoch()
    {
        var user = await NewUserAsync();
        var job = await JobInStateAsync(user.Id, JobState.Queued);
        await Sql.BeginTermAsync("leader", 1_000, Ct);

        var cancelled = await Store.TransitionAsync(new JobTransition { JobId = job.Id, To = JobState.Cancelled, AtMs = 2_000 }, Ct);

        cancelled.ShouldNotBeNull();
        cancelled.State.ShouldBe(JobState.Cancelled);
    }

    private static JobTransition Dispatch(JobRecord job, string worker, long epoch) => new()
    {
        JobId = job.Id,
        To = JobState.Dispatched,
        OnlyFrom = [JobState.Queued],
        AtMs = 5_000,
        Worker = worker,
        CountAttempt = true,
        Epoch = epoch,
    };
}
