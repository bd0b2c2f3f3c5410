using System.Collections.Concurrent;

namespace Gantry.Scheduling;

/// <summary>
/// Owners of jobs that just ended, for the messages a worker still sends after reporting the end (ComfyUI's
/// final <c>executing {node: null}</c>). Bounded: the oldest are forgotten first.
/// </summary>
internal sealed class FinishedJobs(int capacity = 4096)
{
    private readonly ConcurrentDictionary<Guid, long> _owners = new();
    private readonly ConcurrentQueue<Guid> _order = new();

    public void Add(Guid jobId, long userId)
    {
        if (_owners.TryAdd(jobId, userId))
        {
            _order.Enqueue(jobId);
        }

        while (_owners.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _owners.TryRemove(oldest, out _);
        }
    }

    public bool TryGetOwner(Guid jobId, out long userId) => _owners.TryGetValue(jobId, out userId);

    public void Forget(Guid jobId) => _owners.TryRemove(jobId, out _);
}
