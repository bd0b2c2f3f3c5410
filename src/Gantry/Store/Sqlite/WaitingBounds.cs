namespace Gantry.Store.Sqlite;

/// <summary>
/// Per user, an upper bound on their waiting jobs, kept by the SQLite writer (the one connection that writes jobs, so
/// nothing else can add to a count it took): set by a count, raised by each insert and each job put back in the queue,
/// never lowered except by a new count. While a user's bound is under their cap the true number is too, and the insert
/// needs no count; at the cap it counts again, which also lowers the bound by the jobs that left the queue since.
/// Used only on the writer, under its lock.
/// </summary>
internal sealed class WaitingBounds
{
    private readonly Dictionary<long, int> _bounds = [];

    /// <summary>Whether the user certainly has fewer than <paramref name="max"/> jobs waiting (false when unknown).</summary>
    public bool IsUnder(long userId, int max) => _bounds.TryGetValue(userId, out var bound) && bound < max;

    /// <summary>An exact count, taken in the writer's transaction.</summary>
    public void Set(long userId, int waiting) => _bounds[userId] = waiting;

    /// <summary>One more waiting job of the user, if their bound is known.</summary>
    public void Add(long userId)
    {
        if (_bounds.TryGetValue(userId, out var bound))
        {
            _bounds[userId] = bound + 1;
        }
    }
}
