using System.Globalization;
using Gantry.Domain;

namespace Gantry.Events.Cluster;

/// <summary>What one instance tells the others about its users' events (one PostgreSQL notification each).</summary>
public enum EventNoticeKind
{
    /// <summary>A piece of an event frame (a frame too big for one notification comes in consecutive pieces).</summary>
    Frame,

    /// <summary>One of a user's jobs changed state here (the notice carries the state; an older sender's, without it, is read from the store).</summary>
    JobChanged,
}

/// <summary>
/// One notification on <see cref="PostgresEventRelay.ChannelName"/>, as text: <c>sender|seq|f|user|job|b or t|index|count|type|base64</c>
/// for a frame's piece, <c>sender|seq|j|user|job|state</c> for a job's change (the state as its number; an older version
/// sent no state). <c>seq</c> counts every notification of one sender
/// (1, 2, 3, …) so a receiver sees a lost or repeated one; the body is base64 (a notification is text and may not hold NUL),
/// split so that each notification stays under PostgreSQL's 8,000-byte payload limit.
/// </summary>
public sealed record EventNotice
{
    /// <summary>Base64 characters of body per notification: with the longest header, still under 8,000 bytes.</summary>
    public const int MaxBodyChars = 7_200;

    /// <summary>Longest escaped message type a frame may carry (ComfyUI's are a few words).</summary>
    public const int MaxTypeChars = 256;

    public required string Sender { get; init; }

    public required long Sequence { get; init; }

    public required EventNoticeKind Kind { get; init; }

    public required long UserId { get; init; }

    public required Guid JobId { get; init; }

    /// <summary>The state a job change committed; null for a frame, and for a change from a sender that did not say.</summary>
    public JobState? State { get; init; }

    /// <summary>The frame's message type; null for a binary frame (and for a job change).</summary>
    public string? Type { get; init; }

    public bool IsBinary { get; init; }

    public int Index { get; init; }

    public int Count { get; init; } = 1;

    /// <summary>This piece of the frame, as base64.</summary>
    public string Body { get; init; } = "";

    /// <summary>
    /// The notifications that carry <paramref name="frame"/> (a job's frame; nothing for one without a job, or a type too long),
    /// numbered from <paramref name="nextSequence"/> on.
    /// </summary>
    public static IReadOnlyList<EventNotice> ForFrame(string sender, long nextSequence, long userId, EventFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.JobId is not { } jobId || (frame.Type is { } type && Uri.EscapeDataString(type).Length > MaxTypeChars))
        {
            return [];
        }

        var body = Convert.ToBase64String(frame.Payload.Span);
        var count = Math.Max(1, (body.Length + MaxBodyChars - 1) / MaxBodyChars);
        var notices = new EventNotice[count];
        for (var i = 0; i < count; i++)
        {
            var start = i * MaxBodyChars;
            notices[i] = new EventNotice
            {
                Sender = sender,
                Sequence = nextSequence + i,
                Kind = EventNoticeKind.Frame,
                UserId = userId,
                JobId = jobId,
                Type = frame.Type,
                IsBinary = frame.IsBinary,
                Index = i,
                Count = count,
                Body = body.Substring(start, Math.Min(MaxBodyChars, body.Length - start)),
            };
        }

        return notices;
    }

    public string Format()
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"{Sender}|{Sequence}|");
        return Kind == EventNoticeKind.JobChanged
            ? string.Create(CultureInfo.InvariantCulture, $"{head}j|{UserId}|{JobId:N}{(State is { } state ? "|" + ((int)state).ToString(CultureInfo.InvariantCulture) : "")}")
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{head}f|{UserId}|{JobId:N}|{(IsBinary ? 'b' : 't')}|{Index}|{Count}|{Uri.EscapeDataString(Type ?? "")}|{Body}");
    }

    /// <summary>Reads a notification's text; null when it is not one this version sends.</summary>
    public static EventNotice? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('|');
        if (parts.Length < 5 || parts[0].Length == 0
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || !long.TryParse(parts[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var userId)
            || !Guid.TryParseExact(parts[4], "N", out var jobId))
        {
            return null;
        }

        if (parts[2] == "j" && parts.Length is 5 or 6)
        {
            JobState? state = null;
            if (parts.Length == 6)
            {
                if (!int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || !Enum.IsDefined((JobState)number))
                {
                    return null;
                }

                state = (JobState)number;
            }

            return new EventNotice { Sender = parts[0], Sequence = sequence, Kind = EventNoticeKind.JobChanged, UserId = userId, JobId = jobId, State = state };
        }

        if (parts[2] != "f" || parts.Length != 10 || parts[5] is not ("b" or "t")
            || !int.TryParse(parts[6], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[7], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || index >= count)
        {
            return null;
        }

        var binary = parts[5] == "b";
        return new EventNotice
        {
            Sender = parts[0],
            Sequence = sequence,
            Kind = EventNoticeKind.Frame,
            UserId = userId,
            JobId = jobId,
            IsBinary = binary,
            Type = binary ? null : Uri.UnescapeDataString(parts[8]),
            Index = index,
            Count = count,
            Body = parts[9],
        };
    }
}
