namespace Gantry.Client;

/// <summary>
/// Waiting for a job's end for <see cref="GantryApiClient"/>: events from <c>/ws</c> (opened by
/// <paramref name="openEvents"/>) say when to ask, and a poll every <see cref="PollInterval"/> covers a missed one.
/// </summary>
internal sealed class GantryJobWaiter(GantryJobsClient jobs, Func<CancellationToken, Task<GantryEventStream>> openEvents)
{
    /// <summary>How often a wait asks the server again when no event came (a dropped socket, a missed frame).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Waits until the job is done or <paramref name="timeout"/> passes. Listens on <c>/ws</c> for the job's events
    /// (each goes to <paramref name="onEvent"/>), and asks the server for the outcome when one says the run ended,
    /// and every <see cref="PollInterval"/> in case an event was missed. An unknown job ends the wait at once.
    /// </summary>
    public async Task<WaitOutcome> WaitAsync(string promptId, TimeSpan timeout, Action<GantryEvent>? onEvent, CancellationToken cancellationToken)
    {
        var events = await TryOpenEventsAsync(cancellationToken);
        try
        {
            return await WaitAsync(promptId, timeout, events, onEvent, cancellationToken);
        }
        finally
        {
            if (events is not null)
            {
                await events.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Opens the event stream, or null when it cannot be had (polling alone still finds a job's end, but reports no
    /// progress). A connection that fails once (reset, refused while the server is busy) is tried a second time.
    /// </summary>
    public async Task<GantryEventStream?> TryOpenEventsAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await openEvents(cancellationToken);
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or HttpRequestException)
            {
                if (attempt == 2)
                {
                    return null;
                }
            }
        }
    }

    /// <summary>
    /// The same wait on an event stream the caller opened (and disposes): opened before submitting, it sees every event
    /// of the job however quickly it runs.
    /// </summary>
    public async Task<WaitOutcome> WaitAsync(string promptId, TimeSpan timeout, GantryEventStream? events, Action<GantryEvent>? onEvent, CancellationToken cancellationToken)
    {
        // Connected first, then asked: an end between the two is seen either way.
        var report = await jobs.GetReportAsync(promptId, cancellationToken);
        if (!report.Found)
        {
            return new WaitOutcome(report, TimedOut: false);
        }

        if (report.Done)
        {
            if (events is not null && onEvent is not null)
            {
                // The job ended already; hand on what the stream caught of it, up to its end.
                await NextEndAsync(events, promptId, onEvent, cancellationToken);
            }

            return new WaitOutcome(report, TimedOut: false);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var listening = events;
        while (!deadline.IsCancellationRequested)
        {
            var ended = await NextEndAsync(listening, promptId, onEvent, deadline.Token);
            cancellationToken.ThrowIfCancellationRequested();
            if (ended is null)
            {
                listening = null; // the socket closed: poll from here on
            }

            report = await jobs.GetReportAsync(promptId, cancellationToken);
            if (!report.Found || report.Done)
            {
                if (report.Done && ended is false && listening is not null && onEvent is not null)
                {
                    // The poll saw the end before the stream's last events were read (on a busy machine the socket
                    // can lag the store by more than a poll): hand them on too, up to the end.
                    await NextEndAsync(listening, promptId, onEvent, cancellationToken);
                }

                return new WaitOutcome(report, TimedOut: false);
            }
        }

        return new WaitOutcome(report, TimedOut: true);
    }

    /// <summary>
    /// Reads events until one ends the job's run (true), the poll interval or the deadline passes (false),
    /// or the stream closes (null). Without a stream it just waits out the poll interval.
    /// </summary>
    private static async Task<bool?> NextEndAsync(GantryEventStream? events, string promptId, Action<GantryEvent>? onEvent, CancellationToken deadline)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        poll.CancelAfter(PollInterval);
        try
        {
            if (events is null)
            {
                await Task.Delay(Timeout.Infinite, poll.Token);
                return false;
            }

            while (await events.ReadAsync(poll.Token) is { } next)
            {
                if (next.PromptId != promptId)
                {
                    continue;
                }

                onEvent?.Invoke(next);
                if (next.EndsRun)
                {
                    return true;
                }
            }

            return null;
        }
        catch (OperationCanceledException) when (poll.IsCancellationRequested)
        {
            return false;
        }
    }
}
