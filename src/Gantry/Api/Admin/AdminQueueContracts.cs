using System.Text.Json.Serialization;
using Gantry.Scheduling;

namespace Gantry.Api.Admin;

/// <summary>The answer of <c>GET /api/admin/queue</c>: every user with jobs waiting or on workers, in the fair order.</summary>
public sealed record AdminQueueResponse(
    [property: JsonPropertyName("users")] AdminQueueUser[] Users,
    [property: JsonPropertyName("jobs_per_user")] int JobsPerUser);

/// <summary>
/// One user's place in the queue. <c>turn</c> is where the next scheduling decision tries them (1 = first), null when
/// it would not (see <c>standing</c>: <c>waiting</c>, <c>at_limit</c>, <c>reading</c>, <c>nothing_waiting</c>).
/// <c>next_jobs</c> are the first of their waiting jobs, in the order they will start.
/// </summary>
public sealed record AdminQueueUser(
    [property: JsonPropertyName("user_id")] long UserId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("weight")] double Weight,
    [property: JsonPropertyName("max_running")] int MaxRunning,
    [property: JsonPropertyName("running")] int Running,
    [property: JsonPropertyName("queued")] int Queued,
    [property: JsonPropertyName("turn"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Turn,
    [property: JsonPropertyName("standing")] string Standing,
    [property: JsonPropertyName("running_jobs")] AdminRunningJob[] RunningJobs,
    [property: JsonPropertyName("next_jobs")] Guid[] NextJobs)
{
    public static AdminQueueUser From(UserFairness user, string name) => new(
        user.UserId, name, user.Weight, user.MaxRunning, user.Running, user.Queued, user.Turn, StandingName(user.Standing),
        user.RunningJobs.Select(j => new AdminRunningJob(j.JobId, j.Worker)).ToArray(), [.. user.NextJobs]);

    public static string StandingName(FairnessStanding standing) => standing switch
    {
        FairnessStanding.Waiting => "waiting",
        FairnessStanding.AtLimit => "at_limit",
        FairnessStanding.Reading => "reading",
        _ => "nothing_waiting",
    };
}

/// <summary>A job on a worker (null while the worker is being found again after a restart).</summary>
public sealed record AdminRunningJob(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("worker"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Worker);
