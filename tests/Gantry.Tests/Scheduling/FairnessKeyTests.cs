using Gantry.Scheduling;

namespace Gantry.Tests.Scheduling;

/// <summary>The fair order's rule, one component at a time: each later one only breaks a tie of the earlier ones.</summary>
public sealed class FairnessKeyTests
{
    [Fact]
    public void The_smaller_share_of_the_fleet_goes_first_whatever_else_differs()
    {
        var less = new FairnessKey(Share: 0.5, LastServed: 99, HeadSequence: 99, UserId: 99);
        var more = new FairnessKey(Share: 1.0, LastServed: 1, HeadSequence: 1, UserId: 1);
        less.CompareTo(more).ShouldBeLessThan(0);
        more.CompareTo(less).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void At_an_equal_share_the_user_served_longest_ago_goes_first()
    {
        var earlier = new FairnessKey(1, LastServed: 3, HeadSequence: 50, UserId: 9);
        var later = new FairnessKey(1, LastServed: 7, HeadSequence: 1, UserId: 1);
        earlier.CompareTo(later).ShouldBeLessThan(0);
    }

    [Fact]
    public void At_an_equal_share_and_turn_the_older_next_job_goes_first_then_the_lower_user_id()
    {
        new FairnessKey(1, 2, HeadSequence: 10, UserId: 9).CompareTo(new FairnessKey(1, 2, HeadSequence: 11, UserId: 1)).ShouldBeLessThan(0);
        new FairnessKey(1, 2, 10, UserId: 3).CompareTo(new FairnessKey(1, 2, 10, UserId: 4)).ShouldBeLessThan(0);
        new FairnessKey(1, 2, 10, 3).CompareTo(new FairnessKey(1, 2, 10, 3)).ShouldBe(0);
    }

    [Fact]
    public void Sorting_by_the_key_is_the_order_the_rule_states()
    {
        FairnessKey[] keys =
        [
            new(2, 0, 1, 1),
            new(0.5, 5, 3, 2),
            new(0.5, 5, 2, 3),
            new(0.5, 1, 9, 4),
            new(0, 9, 9, 5),
        ];

        keys.Order().Select(k => k.UserId).ShouldBe([5L, 4, 3, 2, 1]);
    }
}
