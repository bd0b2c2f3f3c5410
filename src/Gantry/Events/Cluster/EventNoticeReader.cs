using Gantry.Domain;

namespace Gantry.Events.Cluster;

/// <summary>What a notification (or the last piece of a frame) delivers: a frame for a user's subscribers, or a job that changed.</summary>
public sealed record EventArrival(long UserId, Guid JobId, EventFrame? Frame, JobState? State = null)
{
    public bool IsJobChange => Frame is null;
}

/// <summary>
/// Puts the notifications of the other instances back together, in each sender's order: a repeated one (sequence not past
/// the last seen) is dropped, a missing one (a jump in the sequence) is counted as a gap and drops the frame it cut, and
/// a frame's pieces are joined when its last piece arrives. Not thread-safe: one receiving loop owns it.
/// </summary>
public sealed class EventNoticeReader(int maxPieces)
{
    /// <summary>Senders remembered at most (an instance that restarts is a new sender); the longest silent is forgotten first.</summary>
    public const int MaxSenders = 1024;

    private readonly Dictionary<string, SenderState> _senders = new(StringComparer.Ordinal);
    private long _tick;

    /// <summary>Notifications that were missing (a jump in a sender's sequence).</summary>
    public long Gaps { get; private set; }

    /// <summary>Notifications that arrived twice and were dropped.</summary>
    public long Duplicates { get; private set; }

    /// <summary>What <paramref name="notice"/> completes, or null (a piece, a repeat, or part of a frame cut by a gap).</summary>
    public EventArrival? Accept(EventNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var state = StateOf(notice.Sender);
        if (state.Last is { } last)
        {
            if (notice.Sequence <= last)
            {
                Duplicates++;
                return null;
            }

            if (notice.Sequence > last + 1)
            {
                Gaps += notice.Sequence - last - 1;
                state.Pieces.Clear();
            }
        }

        state.Last = notice.Sequence;
        if (notice.Kind == EventNoticeKind.JobChanged)
        {
            state.Pieces.Clear();
            return new EventArrival(notice.UserId, notice.JobId, Frame: null, notice.State);
        }

        if (notice.Count > maxPieces || notice.Index != state.Pieces.Count || (notice.Index > 0 && !SameFrame(state.Pieces[0], notice)))
        {
            // A piece without its beginning (this receiver started listening in the middle of a frame, or a gap cut it).
            state.Pieces.Clear();
            return null;
        }

        state.Pieces.Add(notice);
        if (state.Pieces.Count < notice.Count)
        {
            return null;
        }

        var payload = Join(state.Pieces);
        state.Pieces.Clear();
        if (payload is null)
        {
            return null;
        }

        var frame = notice.IsBinary ? EventFrame.Binary(notice.JobId, payload) : EventFrame.Text(notice.Type ?? "", notice.JobId, payload);
        return new EventArrival(notice.UserId, notice.JobId, frame);
    }

    private static bool SameFrame(EventNotice first, EventNotice next) =>
        first.JobId == next.JobId && first.UserId == next.UserId && first.Count == next.Count && first.IsBinary == next.IsBinary;

    private static byte[]? Join(List<EventNotice> pieces)
    {
        try
        {
            return pieces.Count == 1 ? Convert.FromBase64String(pieces[0].Body) : Convert.FromBase64String(string.Concat(pieces.Select(p => p.Body)));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private SenderState StateOf(string sender)
    {
        if (!_senders.TryGetValue(sender, out var state))
        {
            if (_senders.Count >= MaxSenders)
            {
                _senders.Remove(_senders.MinBy(s => s.Value.Heard).Key);
            }

            state = new SenderState();
            _senders[sender] = state;
        }

        state.Heard = ++_tick;
        return state;
    }

    private sealed class SenderState
    {
        public long? Last { get; set; }

        public long Heard { get; set; }

        public List<EventNotice> Pieces { get; } = [];
    }
}
