using Gantry.Api.Admin;
using Gantry.Domain;
using Gantry.Store;
using Gantry.Workers;

namespace Gantry.Tests.Api.Admin;

/// <summary>The pure parts of <c>/api/admin/system</c>: the hour of minutes and worker utilisation.</summary>
public sealed class AdminSystemFiguresTests
{
    [Fact]
    public void Every_minute_of_the_hour_has_an_entry_and_minutes_outside_it_are_left_out()
    {
        const long first = 1000;
        var minutes = AdminSystemApi.PerMinute(
        [
            new FinishedInMinute(first, JobState.Succeeded, 3),
            new FinishedInMinute(first, JobState.Failed, 1),
            new FinishedInMinute(first + 59, JobState.Cancelled, 2),
            new FinishedInMinute(first + 59, JobState.Succeeded, 5),
            new FinishedInMinute(first + 60, JobState.Succeeded, 100),
            new FinishedInMinute(first - 1, JobState.Succeeded, 100),
        ], first);

        minutes.Length.ShouldBe(60);
        minutes[0].ShouldBe(new FinishedMinute(first * 60_000, 3, 1, 0));
        minutes[59].ShouldBe(new FinishedMinute((first + 59) * 60_000, 5, 0, 2));
        minutes.Skip(1).Take(58).ShouldAllBe(m => m.Succeeded == 0 && m.Failed == 0 && m.Cancelled == 0);
        minutes.Sum(m => m.Succeeded).ShouldBe(8);
    }

    [Fact]
    public void Utilisation_counts_the_slots_of_workers_that_take_jobs()
    {
        var utilisation = AdminSystemApi.Utilisation(
        [
            new WorkerInfo("a", "comfyui", null, WorkerState.Online, null, 2, 4, true),
            new WorkerInfo("b", "comfyui", null, WorkerState.Draining, null, 1, 1, true),
            new WorkerInfo("c", "comfyui", null, WorkerState.Offline, null, 0, 8, false),
        ]);

        utilisation.ShouldBe(new WorkerUtilisation(3, 1, 5, 3, 0.6));
        AdminSystemApi.Utilisation([]).Utilisation.ShouldBe(0);
    }
}
