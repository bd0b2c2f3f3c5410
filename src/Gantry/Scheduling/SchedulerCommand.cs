using System.Threading.Channels;
using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>What the <see cref="SchedulerLoop"/> is told; everything that changes the <see cref="FairQueue"/> arrives as one of these.</summary>
internal abstract record SchedulerCommand
{
    /// <summary>A job to queue (new, or back from a worker), with its graph when already read.</summary>
    public sealed record Enqueue(QueuedJob Job, JobPayload? Payload = null) : SchedulerCommand;

    /// <summary>A job that left the queue without running (cancelled, failed).</summary>
    public sealed record Forget(Guid JobId) : SchedulerCommand;

    /// <summary>A user's next job was read: its graph (null when the job is gone) and, if refreshed, its owner.</summary>
    public sealed record Prepared(Guid JobId, JobPayload? Payload, JobRequirements? Requirements, User? User) : SchedulerCommand;

    /// <summary>A job left its worker; <paramref name="Requeue"/> puts it back in the queue.</summary>
    public sealed record Released(Guid JobId, QueuedJob? Requeue = null, JobPayload? Payload = null, TaskCompletionSource? Done = null) : SchedulerCommand;

    public sealed record WorkerChanged(IWorker Worker) : SchedulerCommand;

    /// <summary>Asks the loop for its numbers.</summary>
    public sealed record Inspect(TaskCompletionSource<SchedulerSnapshot> Reply) : SchedulerCommand;

    /// <summary>Asks the loop for each user's place in the fair order (the admin queue).</summary>
    public sealed record InspectFairness(int JobsPerUser, TaskCompletionSource<IReadOnlyList<UserFairness>> Reply) : SchedulerCommand;

    /// <summary>A user's weight or limit changed through this instance: apply it now rather than at the next refresh.</summary>
    public sealed record UserChanged(User User) : SchedulerCommand;

    /// <summary>A worker said it cannot take jobs now.</summary>
    public sealed record WorkerPaused(IWorker Worker) : SchedulerCommand;

    /// <summary>A worker came back with a job it was left with, still pending or running: take it back if it is still queued.</summary>
    public sealed record TakeBack(LeftBehindJob Job, WorkerJobPresence Presence, TaskCompletionSource<bool> Reply) : SchedulerCommand;
}

/// <summary>The loop's inbox: every collaborator posts here; only the loop reads.</summary>
internal sealed class SchedulerInbox
{
    private readonly Channel<SchedulerCommand> _commands = Channel.CreateUnbounded<SchedulerCommand>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<SchedulerCommand> Reader => _commands.Reader;

    public void Post(SchedulerCommand command) => _commands.Writer.TryWrite(command);
}

/// <summary>The dispatcher's queue at one moment: for metrics, the dashboard and diagnostics.</summary>
public sealed record SchedulerSnapshot(int Queued, int OnWorkers, int FreeWorkers, int AwaitingGraphs, int ReadingGraphs);
