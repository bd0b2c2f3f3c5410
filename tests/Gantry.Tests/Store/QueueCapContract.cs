using Gantry.Domain;
using Gantry.Store;

namespace Gantry.Tests.Store;

/// <summary>
/// The per-user queue cap checked by the store in the inserting transaction (<see cref="NewJob.MaxWaiting"/>): exact
/// under concurrency, freed when jobs stop waiting, and counting jobs put back in the queue.
/// </summary>
public abstract class QueueCapContract(StoreBackend backend) : StoreTestBase(backend)
{
    [Fact]
    public async Task One_hundred_fifty_concurrent_inserts_at_a_cap_of_one_hundred_commit_exactly_one_hundred()
    {
        var user = await NewUserAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 150).Select(_ => Task.Run(() => TryInsertAsync(user.Id, 100), Ct)));

        outcomes.Count(o => o is null).ShouldBe(100);
        outcomes.OfType<QueueFullException>().Count().ShouldBe(50);
        outcomes.OfType<QueueFullException>().ShouldAllBe(full => full.Waiting == 100 && full.Limit == 100);
        (await Store.CountUserJobsInStatesAsync(user.Id, [JobState.Queued, JobState.Dispatched], Ct)).ShouldBe(100);
    }

    [Fact]
    public async Task A_job_that_stops_waiting_makes_room_and_one_put_back_in_the_queue_counts_again()
    {
        var user = await NewUserAsync();
        var first = await Store.InsertJobAsync(NewJob(user.Id) with { MaxWaiting = 2 }, Ct);
        await Store.InsertJobAsync(NewJob(user.Id) with { MaxWaiting = 2 }, Ct);
        (await TryInsertAsync(user.Id, 2)).ShouldBeOfType<QueueFullException>().Waiting.ShouldBe(2);

        await MoveAsync(first.Id, JobState.Dispatched, 10, "w1");
        await MoveAsync(first.Id, JobState.Running, 11, "w1");
        (await TryInsertAsync(user.Id, 2)).ShouldBeNull("the running job no longer waits");
        (await TryInsertAsync(user.Id, 2)).ShouldBeOfType<QueueFullException>();

        // The worker is lost: the job waits again, so the user now has three waiting, one over the cap.
        (await Store.TransitionAsync(
            new JobTransition { JobId = first.Id, To = JobState.Queued, AtMs = 12, ResetExecution = true, OnlyOnWorker = "w1" }, Ct)).ShouldNotBeNull();
        (await TryInsertAsync(user.Id, 3)).ShouldBeOfType<QueueFullException>().Waiting.ShouldBe(3);
        (await TryInsertAsync(user.Id, 4)).ShouldBeNull();
    }

    [Fact]
    public async Task Inserts_without_a_cap_are_never_refused_and_count_toward_a_later_cap()
    {
        var user = await NewUserAsync();
        for (var i = 0; i < 3; i++)
        {
            await InsertAsync(user.Id);
        }

        (await TryInsertAsync(user.Id, 4)).ShouldBeNull();
        await InsertAsync(user.Id);
        (await TryInsertAsync(user.Id, 5)).ShouldBeOfType<QueueFullException>().Waiting.ShouldBe(5);
    }

    /// <summary>Null when the job was committed, else what refused it.</summary>
    protected async Task<Exception?> TryInsertAsync(long userId, int maxWaiting)
    {
        try
        {
            await Store.InsertJobAsync(NewJob(userId) with { MaxWaiting = maxWaiting }, Ct);
            return null;
        }
        catch (QueueFullException full)
        {
            return full;
        }
    }
}

public sealed class SqliteQueueCapTests(SqliteBackend backend) : QueueCapContract(backend), IClassFixture<SqliteBackend>;

public sealed class PostgresQueueCapTests(PostgresBackend backend) : QueueCapContract(backend), IClassFixture<PostgresBackend>
{
    [Fact]
    public async Task Two_instances_on_one_database_together_commit_exactly_the_cap()
    {
        var user = await NewUserAsync();
        await using var other = Backend.CreateStore(Time);
        await other.InitializeAsync(Ct);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 150).Select(i => Task.Run(
            async () =>
            {
                try
                {
                    await (i % 2 == 0 ? Store : other).InsertJobAsync(NewJob(user.Id) with { MaxWaiting = 100 }, Ct);
                    return true;
                }
                catch (QueueFullException)
                {
                    return false;
                }
            },
            Ct)));

        outcomes.Count(accepted => accepted).ShouldBe(100);
        (await Store.CountUserJobsInStatesAsync(user.Id, [JobState.Queued], Ct)).ShouldBe(100);
    }
}
