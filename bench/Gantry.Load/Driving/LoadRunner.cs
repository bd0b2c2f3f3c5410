using System.Diagnostics;

namespace Gantry.Load.Driving;

/// <summary>
/// Closed-loop load: N clients, each sending its next request as soon as the last one answered, for a fixed time.
/// The first part of the run warms up (connections, JIT, caches) and is not counted; a request counts when it
/// started inside the measured window (or is a client's first measured request, see below).
/// </summary>
public static class LoadRunner
{
    /// <summary>One client's request: true when it succeeded.</summary>
    public delegate Task<bool> Request(CancellationToken cancellationToken);

    /// <param name="clients">How many concurrent clients.</param>
    /// <param name="duration">How long to measure (after the warm-up).</param>
    /// <param name="createClient">Makes client number i's request function (called once per client, before the run).</param>
    public static async Task<LoadResult> RunAsync(int clients, TimeSpan duration, Func<int, Request> createClient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        var requests = Enumerable.Range(0, clients).Select(createClient).ToArray();
        var warmup = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, duration.Ticks / 5));
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + ToStopwatchTicks(warmup);
        var end = measureFrom + ToStopwatchTicks(duration);
        using var abort = new CancellationTokenSource(warmup + duration + TimeSpan.FromSeconds(30));

        var runs = requests.Select(request => Task.Run(() => RunClientAsync(request, measureFrom, end, abort.Token))).ToArray();
        var outcomes = await Task.WhenAll(runs);
        var latencies = outcomes.SelectMany(o => o.Latencies).ToArray();

        // A client goes on past the end until it has one measured request, so a window shorter than a request still
        // yields figures; the rate is then over the time actually measured.
        var measured = TimeSpan.FromSeconds((double)(Math.Max(end, Stopwatch.GetTimestamp()) - measureFrom) / Stopwatch.Frequency);
        return LoadResult.From(clients, latencies, outcomes.Sum(o => o.Errors), measured > duration ? measured : duration);
    }

    /// <summary>Stopwatch ticks to milliseconds.</summary>
    public static double ToMilliseconds(long stopwatchTicks) => stopwatchTicks * 1000.0 / Stopwatch.Frequency;

    private static long ToStopwatchTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static async Task<(List<long> Latencies, int Errors)> RunClientAsync(Request request, long measureFrom, long end, CancellationToken cancellationToken)
    {
        var latencies = new List<long>(4096);
        var errors = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            if (started >= end && latencies.Count + errors > 0)
            {
                break;
            }

            bool succeeded;
            try
            {
                succeeded = await request(cancellationToken);
            }
            catch (Exception error) when (error is HttpRequestException or IOException or OperationCanceledException or InvalidOperationException)
            {
                succeeded = false;
            }

            var elapsed = Stopwatch.GetTimestamp() - started;
            if (started < measureFrom)
            {
                continue;
            }

            if (succeeded)
            {
                latencies.Add(elapsed);
            }
            else
            {
                errors++;
            }
        }

        return (latencies, errors);
    }
}
