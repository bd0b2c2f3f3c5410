using Gantry.Domain;
using Gantry.Store.Relational;

namespace Gantry.Tests.Store;

/// <summary>How a per-user state filter is spelled (why: <see cref="JobRows.UserStateCondition"/>, <see cref="PostgresQueryPlanTests"/>).</summary>
public sealed class UserStateConditionTests
{
    [Theory]
    [InlineData(new[] { JobState.Queued, JobState.Dispatched }, "s BETWEEN 0 AND 1")]
    [InlineData(new[] { JobState.Dispatched, JobState.Queued, JobState.Queued }, "s BETWEEN 0 AND 1")]
    [InlineData(new[] { JobState.Running }, "s BETWEEN 2 AND 2")]
    [InlineData(new[] { JobState.Queued, JobState.Running, JobState.Cancelling }, "(s BETWEEN 0 AND 0 OR s BETWEEN 2 AND 3)")]
    [InlineData(new[] { JobState.Queued, JobState.Dispatched, JobState.Running, JobState.Cancelling }, "s BETWEEN 0 AND 3")]
    public void Active_states_are_ranges_never_a_list_or_an_equality(JobState[] states, string expected) =>
        JobRows.UserStateCondition("s", states).ShouldBe(expected);

    [Theory]
    [InlineData(new[] { JobState.Succeeded }, "s IN (4)")]
    [InlineData(new[] { JobState.Cancelled, JobState.Cancelling }, "s IN (3, 6)")]
    [InlineData(new[] { JobState.Queued, JobState.Dispatched, JobState.Failed }, "s IN (0, 1, 5)")]
    public void A_set_with_a_terminal_state_stays_a_list(JobState[] states, string expected) =>
        JobRows.UserStateCondition("s", states).ShouldBe(expected);
}
