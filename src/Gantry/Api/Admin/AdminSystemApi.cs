using Gantry.Auth;
using Gantry.Domain;
using Gantry.Store;
using Gantry.Workers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Admin;

/// <summary>
/// <c>GET /api/admin/system</c>: the version, the store, stored jobs by state, jobs ended per minute over the last hour
/// (oldest first, <see cref="Minutes"/> entries, the last one the current minute) and worker utilisation. Admin keys only.
/// </summary>
public static class AdminSystemApi
{
    /// <summary>How many minutes <c>finished_per_minute</c> covers.</summary>
    public const int Minutes = 60;

    public static IEndpointRouteBuilder MapAdminSystem(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/system", GetAsync).RequireAuthorization(GantryRoles.Admin).WithTags("admin").WithName("getSystem");
        return app;
    }

    public static async Task<Ok<AdminSystemResponse>> GetAsync(
        IJobStatistics statistics, WorkerPool pool, IOptions<StoreOptions> store, TimeProvider time, HttpContext context)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var currentMinute = now / 60_000;
        var firstMinute = currentMinute - Minutes + 1;
        var counts = await statistics.CountByStateAsync(context.RequestAborted);
        var finished = await statistics.FinishedPerMinuteAsync(firstMinute * 60_000, context.RequestAborted);
        return TypedResults.Ok(new AdminSystemResponse(
            typeof(AdminSystemApi).Assembly.GetName().Version?.ToString() ?? "0.0.0",
            string.IsNullOrEmpty(store.Value.Postgres) ? "sqlite" : "postgresql",
            now,
            ByState(counts),
            PerMinute(finished, firstMinute),
            Utilisation(pool.Workers)));
    }

    public static JobStateCounts ByState(IReadOnlyDictionary<JobState, long> counts)
    {
        long Of(JobState state) => counts.GetValueOrDefault(state);
        return new JobStateCounts(
            Of(JobState.Queued), Of(JobState.Dispatched), Of(JobState.Running), Of(JobState.Cancelling),
            Of(JobState.Succeeded), Of(JobState.Failed), Of(JobState.Cancelled));
    }

    /// <summary>One entry for each of the <see cref="Minutes"/> minutes from <paramref name="firstMinute"/>, zeros where nothing ended.</summary>
    public static FinishedMinute[] PerMinute(IReadOnlyList<FinishedInMinute> finished, long firstMinute)
    {
        var table = new long[Minutes, 3];
        foreach (var entry in finished)
        {
            var index = entry.Minute - firstMinute;
            var column = entry.State switch { JobState.Succeeded => 0, JobState.Failed => 1, JobState.Cancelled => 2, _ => -1 };
            if (index is >= 0 and < Minutes && column >= 0)
            {
                // A clock a little ahead on another instance can write a minute past ours: it is left out, not misplaced.
                table[index, column] += entry.Count;
            }
        }

        return Enumerable.Range(0, Minutes)
            .Select(i => new FinishedMinute((firstMinute + i) * 60_000, table[i, 0], table[i, 1], table[i, 2]))
            .ToArray();
    }

    public static WorkerUtilisation Utilisation(IReadOnlyList<WorkerInfo> workers)
    {
        var taking = workers.Where(w => w.State is WorkerState.Online or WorkerState.Draining).ToArray();
        var slots = taking.Sum(w => w.Slots);
        var busy = taking.Sum(w => Math.Min(w.Running, w.Slots));
        return new WorkerUtilisation(
            workers.Count, workers.Count(w => w.State == WorkerState.Online), slots, busy, slots == 0 ? 0 : Math.Round((double)busy / slots, 4));
    }
}
