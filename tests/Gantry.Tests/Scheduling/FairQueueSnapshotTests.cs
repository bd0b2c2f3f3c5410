using Gantry.Scheduling;

namespace Gantry.Tests.Scheduling;

/// <summary>
/// <see cref="FairQueue.Fairness"/> against the queue's real choices: the user it puts first is the one <see cref="FairQueue.Next"/>
/// serves, its whole order is the order users are served in, and taking it changes no decision.
/// </summary>
public sealed class FairQueueSnapshotTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(2026)]
    public void The_first_user_in_the_snapshot_is_the_one_the_next_decision_serves(int seed)
    {
        var random = new Random(seed);
        var watched = new FairQueueScenario(defaultMaxRunning: 2).Worker("w1").Worker("w2", slots: 2);
        var twin = new FairQueueScenario(defaultMaxRunning: 2).Worker("w1").Worker("w2", slots: 2);
        string[] users = ["A", "B", "C", "D"];
        foreach (var (user, weight, limit) in new[] { ("A", 1.0, (int?)null), ("B", 2.0, 4), ("C", 0.5, 1), ("D", 1.0, 0) })
        {
            watched.Queue.SetUserShare(watched.UserId(user), weight, limit);
            twin.Queue.SetUserShare(twin.UserId(user), weight, limit);
        }

        var checkedTurns = 0;
        for (var step = 0; step < 300; step++)
        {
            var action = random.Next(3);
            if (action == 0 || watched.Running.Count() == 0)
            {
                var user = users[random.Next(users.Length)];
                var count = random.Next(1, 4);
                watched.Enqueue(user, count);
                twin.Enqueue(user, count);
            }
            else if (action == 1)
            {
                var label = watched.Running.ElementAt(random.Next(watched.Running.Count()));
                watched.Finish(label);
                twin.Finish(label);
            }

            // One decision at a time, each checked against the snapshot taken just before it.
            while (true)
            {
                var snapshot = watched.Queue.Fairness(jobsPerUser: 5);
                var first = snapshot.FirstOrDefault(u => u.Standing == FairnessStanding.Waiting);
                var decision = watched.Queue.Next();
                var twinDecision = twin.Queue.Next();
                if (decision is not FairQueueDecision.Assign assign)
                {
                    decision.ShouldBeNull();
                    twinDecision.ShouldBeNull();
                    break;
                }

                first.ShouldNotBeNull();
                first.Turn.ShouldBe(1);
                assign.Job.UserId.ShouldBe(first.UserId);
                assign.Job.JobId.ShouldBe(first.NextJobs[0]);
                watched.Track(assign).ShouldBe(twin.Track(twinDecision.ShouldBeOfType<FairQueueDecision.Assign>()));
                checkedTurns++;
            }
        }

        checkedTurns.ShouldBeGreaterThan(50);
        watched.Placements.ShouldBe(twin.Placements);
    }

    [Fact]
    public void With_one_job_each_and_room_for_all_users_are_served_in_the_snapshots_order()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 0);

        // Shares before: heavy 2 running at weight 3, light 1 at weight 1, the others none.
        s.Queue.SetUserShare(s.UserId("heavy"), 3, null);
        s.Queue.Place(Guid.NewGuid(), s.UserId("heavy"), "elsewhere").ShouldBeTrue();
        s.Queue.Place(Guid.NewGuid(), s.UserId("heavy"), "elsewhere").ShouldBeTrue();
        s.Queue.Place(Guid.NewGuid(), s.UserId("light"), "elsewhere").ShouldBeTrue();
        foreach (var user in new[] { "light", "E", "heavy", "B", "D", "A" })
        {
            s.Enqueue(user, 1);
        }

        s.Worker("w", slots: 10);
        var order = s.Queue.Fairness(jobsPerUser: 1).Where(u => u.Standing == FairnessStanding.Waiting).ToList();
        order.Select(u => u.Turn).ShouldBe([1, 2, 3, 4, 5, 6]);
        order.Select(u => u.UserId).ShouldBe(new[] { "E", "B", "D", "A", "heavy", "light" }.Select(s.UserId));

        var served = new List<long>();
        while (s.Queue.Next() is FairQueueDecision.Assign assign)
        {
            served.Add(assign.Job.UserId);
        }

        served.ShouldBe(order.Select(u => u.UserId).ToList());
    }

    [Fact]
    public void Users_who_would_not_be_tried_say_why_and_running_jobs_name_their_workers()
    {
        var s = new FairQueueScenario(defaultMaxRunning: 1).Worker("w1").Worker("w2");
        s.Enqueue("limited", 3);
        s.Enqueue("done", 1);
        s.Dispatch().ShouldBe(["limited1", "done1"]);
        s.Enqueue("reading", 1, prepared: false);
        s.Enqueue("waiting", 30);

        var snapshot = s.Queue.Fairness(jobsPerUser: 4).ToDictionary(u => u.UserId);
        var waiting = snapshot[s.UserId("waiting")];
        waiting.Standing.ShouldBe(FairnessStanding.Waiting);
        waiting.Turn.ShouldBe(1);
        waiting.Queued.ShouldBe(30);
        waiting.NextJobs.ShouldBe([s.Id("waiting1"), s.Id("waiting2"), s.Id("waiting3"), s.Id("waiting4")]);

        var limited = snapshot[s.UserId("limited")];
        limited.Standing.ShouldBe(FairnessStanding.AtLimit);
        limited.Turn.ShouldBeNull();
        limited.Running.ShouldBe(1);
        limited.Queued.ShouldBe(2);
        limited.MaxRunning.ShouldBe(1);
        limited.RunningJobs.ShouldBe([new PlacedJob(s.Id("limited1"), "w1")]);

        snapshot[s.UserId("reading")].Standing.ShouldBe(FairnessStanding.Reading);
        var done = snapshot[s.UserId("done")];
        done.Standing.ShouldBe(FairnessStanding.NothingWaiting);
        done.RunningJobs.ShouldBe([new PlacedJob(s.Id("done1"), "w2")]);
        snapshot.Count.ShouldBe(4);

        // Users with nothing queued or running are not listed; the standing changes as the queue does.
        s.Finish("done1");
        s.Queue.Fairness(4).ShouldNotContain(u => u.UserId == s.UserId("done"));
    }
}
