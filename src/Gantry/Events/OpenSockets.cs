using Gantry.Auth;

namespace Gantry.Events;

/// <summary>
/// The event sockets open on this instance, by user: what the per-user socket cap counts
/// (<see cref="SecurityOptions.MaxSocketsPerUser"/>), and what a revocation looks through to close the sockets of
/// keys that no longer authenticate.
/// </summary>
public sealed class OpenSockets
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, List<Slot>> _byUser = [];

    /// <summary>How many sockets of this user are open (or being opened) now.</summary>
    public int CountOf(long userId)
    {
        lock (_lock)
        {
            return _byUser.TryGetValue(userId, out var list) ? list.Count : 0;
        }
    }

    /// <summary>
    /// Takes a slot for one more socket of the caller unless they already hold <paramref name="limit"/> (0: no limit);
    /// null when refused. Dispose the slot when the socket ends.
    /// </summary>
    /// <param name="caller">Whose socket.</param>
    /// <param name="key">The API key it was opened with, checked again on every access change; null for the no-auth caller.</param>
    /// <param name="limit">Most sockets per user.</param>
    /// <param name="sessionToken">The session cookie it was opened with instead of a key, checked the same way.</param>
    public Slot? TryTake(Caller caller, string? key, int limit, string? sessionToken = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var slot = new Slot(this, caller.UserId, key) { SessionToken = sessionToken };
        lock (_lock)
        {
            if (!_byUser.TryGetValue(caller.UserId, out var list))
            {
                list = [];
                _byUser.Add(caller.UserId, list);
            }

            if (limit > 0 && list.Count >= limit)
            {
                return null;
            }

            list.Add(slot);
        }

        return slot;
    }

    /// <summary>Every slot whose socket was opened with a key or a session.</summary>
    public IReadOnlyList<Slot> WithKeys()
    {
        lock (_lock)
        {
            return [.. _byUser.Values.SelectMany(list => list).Where(slot => slot.Key is not null || slot.SessionToken is not null)];
        }
    }

    private void Remove(Slot slot)
    {
        lock (_lock)
        {
            if (_byUser.TryGetValue(slot.UserId, out var list) && list.Remove(slot) && list.Count == 0)
            {
                _byUser.Remove(slot.UserId);
            }
        }
    }

    /// <summary>One socket's place: taken before the upgrade, given its socket once accepted.</summary>
    public sealed class Slot : IDisposable
    {
        private readonly OpenSockets _owner;
        private readonly Lock _lock = new();
        private EventSocket? _socket;
        private bool _revoked;
        private int _disposed;

        internal Slot(OpenSockets owner, long userId, string? key)
        {
            _owner = owner;
            UserId = userId;
            Key = key;
        }

        public long UserId { get; }

        public string? Key { get; }

        /// <summary>The session token the socket was opened with (a secret), when it came with the session cookie.</summary>
        public string? SessionToken { get; init; }

        /// <summary>Whether the socket was (or will be, once attached) closed for a revoked key.</summary>
        public bool IsRevoked
        {
            get
            {
                lock (_lock)
                {
                    return _revoked;
                }
            }
        }

        /// <summary>Gives the slot its accepted socket; one revoked meanwhile is closed at once.</summary>
        public void Attach(EventSocket socket)
        {
            ArgumentNullException.ThrowIfNull(socket);
            lock (_lock)
            {
                _socket = socket;
                if (!_revoked)
                {
                    return;
                }
            }

            socket.Revoke();
        }

        /// <summary>Closes the socket for a revoked key (or marks the slot so the socket closes once attached).</summary>
        public void Revoke()
        {
            EventSocket? socket;
            lock (_lock)
            {
                _revoked = true;
                socket = _socket;
            }

            socket?.Revoke();
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Remove(this);
            }
        }
    }
}
