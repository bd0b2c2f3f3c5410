namespace Gantry.Load.Driving;

/// <summary>What one load point measured: successful requests per second and their latency percentiles.</summary>
public sealed record LoadResult(int Clients, long Count, int Errors, double PerSecond, double P50Ms, double P99Ms, double MaxMs)
{
    /// <param name="latencies">Stopwatch ticks of each successful request.</param>
    public static LoadResult From(int clients, long[] latencies, int errors, TimeSpan measured)
    {
        Array.Sort(latencies);
        return new LoadResult(
            clients,
            latencies.Length,
            errors,
            latencies.Length / measured.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies.Length == 0 ? 0 : LoadRunner.ToMilliseconds(latencies[^1]));
    }

    /// <summary>The p-th percentile (nearest rank) of sorted stopwatch ticks, in milliseconds; 0 for none.</summary>
    public static double Percentile(long[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return LoadRunner.ToMilliseconds(sorted[Math.Clamp(rank, 0, sorted.Length - 1)]);
    }
}
