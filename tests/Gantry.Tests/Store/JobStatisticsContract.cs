using Gantry.Domain;
using Gantry.Store;
using Gantry.Store.Relational;

namespace Gantry.Tests.Store;

/// <summary>The admin system page's counts (<see cref="RelationalJobStatistics"/>): jobs by state, and ended jobs per minute.</summary>
public abstract class JobStatisticsContract(StoreBackend backend) : StoreTestBase(backend)
{
    private IJobStatistics Statistics => new RelationalJobStatistics((IRelationalDatabase)Store);

    [Fact]
    public async Task Jobs_are_counted_by_state_and_ended_ones_by_the_minute_they_ended_in()
    {
        var before = await Statistics.CountByStateAsync(Ct);
        var user = await NewUserAsync();
        await JobInStateAsync(user.Id, JobState.Queued);
        await JobInStateAsync(user.Id, JobState.Queued);
        await JobInStateAsync(user.Id, JobState.Running);
        var minute = 29_000_000L;
        var queued = await InsertAsync(user.Id, createdAtMs: (minute - 5) * 60_000);
        await MoveAsync(queued.Id, JobState.Dispatched, (minute - 1) * 60_000);
        await MoveAsync(queued.Id, JobState.Running, (minute - 1) * 60_000 + 10);
        await MoveAsync(queued.Id, JobState.Succeeded, (minute * 60_000) + 59_999);
        var failed = await InsertAsync(user.Id, createdAtMs: (minute - 5) * 60_000);
        await MoveAsync(failed.Id, JobState.Failed, minute * 60_000);
        var cancelled = await InsertAsync(user.Id, createdAtMs: (minute - 5) * 60_000);
        await MoveAsync(cancelled.Id, JobState.Cancelled, (minute + 1) * 60_000);
        var tooOld = await InsertAsync(user.Id, createdAtMs: (minute - 5) * 60_000);
        await MoveAsync(tooOld.Id, JobState.Failed, (minute * 60_000) - 1);

        var after = await Statistics.CountByStateAsync(Ct);
        long Delta(JobState state) => after.GetValueOrDefault(state) - before.GetValueOrDefault(state);
        Delta(JobState.Queued).ShouldBe(2);
        Delta(JobState.Running).ShouldBe(1);
        Delta(JobState.Succeeded).ShouldBe(1);
        Delta(JobState.Failed).ShouldBe(2);
        Delta(JobState.Cancelled).ShouldBe(1);
        Delta(JobState.Dispatched).ShouldBe(0);

        var perMinute = await Statistics.FinishedPerMinuteAsync(minute * 60_000, Ct);
        perMinute.OrderBy(m => m.Minute).ThenBy(m => m.State).ShouldBe(
        [
            new FinishedInMinute(minute, JobState.Succeeded, 1),
            new FinishedInMinute(minute, JobState.Failed, 1),
            new FinishedInMinute(minute + 1, JobState.Cancelled, 1),
        ]);
    }
}

public sealed class SqliteJobStatisticsTests(SqliteBackend backend) : JobStatisticsContract(backend), IClassFixture<SqliteBackend>;

public sealed class PostgresJobStatisticsTests(PostgresBackend backend) : JobStatisticsContract(backend), IClassFixture<PostgresBackend>;
