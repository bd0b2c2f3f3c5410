using Gantry.Auth;
using Gantry.Jobs.Submission;
using Gantry.Jobs;
using Gantry.Tests.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Tests.Jobs;

/// <summary>
/// The per-user queue cap on a real SQLite store: exact at the limit, counting only near it or when its last count is
/// stale. Jobs are put in the store directly, as another instance or a requeue would, to show what the bound sees.
/// </summary>
public sealed class SubmitLimitsTests(SqliteBackend backend) : StoreTestBase(backend), IClassFixture<SqliteBackend>
{
    [Fact]
    public async Task A_user_is_refused_exactly_at_the_limit_and_accepted_again_when_a_job_stops_waiting()
    {
        var caller = new Caller(await NewUserAsync() with { MaxQueued = 3 });
        var limits = Limits();

        for (var i = 0; i < 3; i++)
        {
            (await limits.CheckAsync(caller, Ct)).ShouldBeNull();
            await InsertAsync(caller.UserId);
        }

        var full = (await limits.CheckAsync(caller, Ct)).ShouldNotBeNull();
        full.Queued.ShouldBe(3);
        full.Limit.ShouldBe(3);

        var waiting = await Store.ListUserJobsInStatesAsync(caller.UserId, [JobState.Queued], 10, Ct);
        await MoveAsync(waiting[0].Id, JobState.Dispatched, 1, "w1");
        await MoveAsync(waiting[0].Id, JobState.Running, 2, "w1");

        (await limits.CheckAsync(caller, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Jobs_that_start_waiting_without_a_submit_here_are_seen_once_the_last_count_is_stale()
    {
        var caller = new Caller(await NewUserAsync() with { MaxQueued = 3 });
        var limits = Limits();
        (await limits.CheckAsync(caller, Ct)).ShouldBeNull();
        await InsertAsync(caller.UserId);
        await InsertAsync(caller.UserId);
        await InsertAsync(caller.UserId);

        (await limits.CheckAsync(caller, Ct)).ShouldBeNull("the bound (one counted-as-taken submit) is still under the limit");

        Time.Advance(SubmitLimits.CountLifetime);

        (await limits.CheckAsync(caller, Ct)).ShouldNotBeNull().Queued.ShouldBe(3);
    }

    [Fact]
    public async Task Without_a_limit_nothing_is_counted_or_refused()
    {
        var caller = new Caller(await NewUserAsync() with { MaxQueued = 0 });
        for (var i = 0; i < 5; i++)
        {
            await InsertAsync(caller.UserId);
        }

        (await Limits().CheckAsync(caller, Ct)).ShouldBeNull();
    }

    private SubmitLimits Limits() => new(Store, Options.Create(new LimitOptions()), Time);
}
