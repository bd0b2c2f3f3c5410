using System.Collections.Concurrent;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The jobs one worker holds, by id, and which of them ComfyUI is executing now: the target of the frames that name
/// no prompt (binary previews, the <c>executing</c> replay after a reconnect).
/// </summary>
internal sealed class ComfyUiJobTable
{
    private readonly ConcurrentDictionary<Guid, TrackedJob> _jobs = new();
    private readonly Lock _gate = new();
    private Guid? _runningJobId;

    public int Count => _jobs.Count;

    public bool IsEmpty => _jobs.IsEmpty;

    public TrackedJob? Find(Guid jobId) => _jobs.GetValueOrDefault(jobId);

    /// <summary>The job a ComfyUI prompt id names; null for ids that are not ours (or not ids).</summary>
    public TrackedJob? Find(string promptId) => Guid.TryParse(promptId, out var id) ? Find(id) : null;

    public bool TryAdd(TrackedJob job) => _jobs.TryAdd(job.Id, job);

    /// <summary>The job held under this id, or a new accepted one for it (<paramref name="added"/> says which).</summary>
    public TrackedJob GetOrAdd(WorkerJob job, out bool added)
    {
        var created = false;
        var tracked = _jobs.GetOrAdd(job.JobId, _ =>
        {
            created = true;
            return new TrackedJob(job, accepted: true);
        });
        added = created && ReferenceEquals(tracked.Job, job);
        return tracked;
    }

    /// <summary>Takes the job out (only this instance, not a newer one under the same id); no longer the running one.</summary>
    public void Forget(TrackedJob job)
    {
        _jobs.TryRemove(new KeyValuePair<Guid, TrackedJob>(job.Id, job));
        lock (_gate)
        {
            if (_runningJobId == job.Id)
            {
                _runningJobId = null;
            }
        }
    }

    /// <summary>Remembers the job as the one executing under our client id.</summary>
    public void NoteRunning(Guid jobId)
    {
        lock (_gate)
        {
            _runningJobId = jobId;
        }
    }

    /// <summary>The job last seen executing, while it is still held.</summary>
    public TrackedJob? Running()
    {
        lock (_gate)
        {
            return _runningJobId is { } id ? Find(id) : null;
        }
    }

    /// <summary>Jobs the worker queued whose end nobody is reporting yet.</summary>
    public List<TrackedJob> Settleable() => [.. _jobs.Values.Where(j => j.Accepted && !j.IsEnding)];

    /// <summary>Settleable jobs whose events go to another client id (posted before a Gantry restart).</summary>
    public List<TrackedJob> Unwatched() => [.. _jobs.Values.Where(j => j.Accepted && !j.Watched && !j.IsEnding)];

    /// <summary>Every job the worker queued, ending or not.</summary>
    public List<TrackedJob> Accepted() => [.. _jobs.Values.Where(j => j.Accepted)];
}
