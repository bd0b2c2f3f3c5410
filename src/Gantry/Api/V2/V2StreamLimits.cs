using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Gantry.Api.V2;

/// <summary>Counts each user's open event streams, up to <see cref="V2Options.MaxStreamsPerUser"/>.</summary>
public sealed class V2StreamLimits(IOptions<V2Options> options)
{
    private readonly ConcurrentDictionary<long, int> _open = new();

    /// <summary>A slot to dispose when the stream ends, or null when the user has the most allowed open.</summary>
    public IDisposable? TryOpen(long userId)
    {
        var max = options.Value.MaxStreamsPerUser;
        while (true)
        {
            var current = _open.GetOrAdd(userId, 0);
            if (current >= max)
            {
                return null;
            }

            if (_open.TryUpdate(userId, current + 1, current))
            {
                return new Slot(this, userId);
            }
        }
    }

    public int OpenCount(long userId) => _open.GetValueOrDefault(userId);

    private void Close(long userId) => _open.AddOrUpdate(userId, 0, (_, n) => Math.Max(0, n - 1));

    private sealed class Slot(V2StreamLimits owner, long userId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Close(userId);
            }
        }
    }
}
