using System.Collections.Concurrent;
using Gantry.Domain;
using Gantry.Events;
using Gantry.Jobs;
using Gantry.Outputs;
using Gantry.Store;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// What the dispatcher's collaborators share: the services they call, the loop's inbox, the tracked background
/// work, and the tables of jobs on workers. Holds no decisions of its own.
/// </summary>
internal sealed class DispatchContext(
    IJobStore store,
    IUserStore users,
    WorkerPool pool,
    JobSignals signals,
    EventHub hub,
    TimeProvider time,
    SchedulerOptions options,
    DataOptions data,
    ILogger logger)
{
    public IJobStore Store { get; } = store;

    public IUserStore Users { get; } = users;

    public WorkerPool Pool { get; } = pool;

    public JobSignals Signals { get; } = signals;

    public EventHub Hub { get; } = hub;

    public TimeProvider Time { get; } = time;

    public SchedulerOptions Options { get; } = options;

    public ILogger Logger { get; } = logger;

    public SchedulerInbox Inbox { get; } = new();

    public BackgroundWork Work { get; } = new(logger, time);

    public PlacementTable Placements { get; } = new();

    /// <summary>Owners of jobs that just ended, for the worker's last message.</summary>
    public FinishedJobs Finished { get; } = new();

    public LeftBehindJobs LeftBehind { get; } = new();

    /// <summary>Hand-overs a worker refused as unavailable, by job: they do not count as attempts.</summary>
    public ConcurrentDictionary<Guid, int> Bounces { get; } = new();

    public CancellationToken Stopping => Work.Stopping;

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Post(SchedulerCommand command) => Inbox.Post(command);

    public void CountBounce(Guid jobId) => Bounces.AddOrUpdate(jobId, 1, (_, count) => count + 1);

    /// <summary>Attempts that count against <see cref="SchedulerOptions.MaxAttempts"/>: hand-overs the worker refused as unavailable do not.</summary>
    public int CountedAttempts(JobRecord record) => record.Attempts - Bounces.GetValueOrDefault(record.Id);

    public WorkerJob ToWorkerJob(Placement placement)
        => ToWorkerJob(placement.JobId, placement.UserId, placement.Payload ?? throw new InvalidOperationException($"Job {placement.JobId} has no payload loaded."));

    public WorkerJob ToWorkerJob(Guid jobId, long userId, JobPayload payload) => new()
    {
        JobId = jobId,
        UserId = userId,
        PromptJson = payload.PromptJson,
        ExtraDataJson = payload.ExtraDataJson,
        OutputsToExecute = payload.OutputsToExecute,
        InputDirectory = UserFiles.InputDirectory(data, userId),
    };

    /// <summary>Remembers that the worker of <paramref name="placement"/> may still have the job when it comes back.</summary>
    public void LeaveBehind(Placement placement)
    {
        if (placement.Worker is { } worker)
        {
            LeftBehind.Add(new LeftBehindJob(placement.JobId, placement.UserId, placement.Sequence, worker, placement.Requirements, placement.Payload));
        }
    }

    /// <summary>Asks a worker to stop a job, best effort: a failure is logged.</summary>
    public async Task CancelQuietlyAsync(IWorker worker, Guid jobId)
    {
        try
        {
            await worker.CancelAsync(jobId, Stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !Stopping.IsCancellationRequested)
        {
            SchedulingLog.ReconcileFailed(Logger, worker.Name, jobId, ex.Message);
        }
    }
}
