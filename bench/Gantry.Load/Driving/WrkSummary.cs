using System.Globalization;
using System.Text.RegularExpressions;

namespace Gantry.Load.Driving;

/// <summary>
/// Reads what <c>wrk --latency</c> prints at the end of a run into a <see cref="LoadResult"/>: the requests completed
/// and the seconds they took, the answers that were not 2xx/3xx and the socket errors (both counted as errors, and
/// not in the rate), the 50th and 99th percentiles of the latency distribution and the largest latency.
/// </summary>
public static partial class WrkSummary
{
    public static LoadResult Parse(string output, int connections)
    {
        ArgumentNullException.ThrowIfNull(output);
        var total = Required(Completed(), output, "the requests completed");
        var requests = long.Parse(total.Groups["count"].Value, CultureInfo.InvariantCulture);
        var seconds = Duration(total.Groups["time"].Value) / 1000;
        var notSuccessful = NotSuccessful().Match(output) is { Success: true } bad ? long.Parse(bad.Groups["count"].Value, CultureInfo.InvariantCulture) : 0;
        var socketErrors = SocketErrors().Match(output) is { Success: true } sockets
            ? new[] { "connect", "read", "write", "timeout" }.Sum(name => long.Parse(sockets.Groups[name].Value, CultureInfo.InvariantCulture))
            : 0;

        // Socket errors are not among the requests completed; answers that were not 2xx/3xx are.
        var ok = Math.Max(0, requests - notSuccessful);
        var failed = notSuccessful + socketErrors;
        var p50 = Duration(Required(Percentile(), output, "the 50th percentile", "50").Groups["time"].Value);
        var p99 = Duration(Required(Percentile(), output, "the 99th percentile", "99").Groups["time"].Value);
        var max = Duration(Required(LatencyLine(), output, "the latency line").Groups["max"].Value);
        return new LoadResult(connections, ok, (int)Math.Min(int.MaxValue, failed), seconds > 0 ? ok / seconds : 0, p50, p99, max);
    }

    /// <summary>A wrk duration (<c>812.00us</c>, <c>1.25ms</c>, <c>2.01s</c>, <c>1.50m</c>) in milliseconds.</summary>
    public static double Duration(string text)
    {
        var match = DurationText().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not a wrk duration.");
        }

        var value = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        return match.Groups["unit"].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            _ => value * 3_600_000,
        };
    }

    private static Match Required(Regex pattern, string output, string what, string? percentile = null)
    {
        foreach (Match match in pattern.Matches(output))
        {
            if (percentile is null || match.Groups["p"].Value == percentile)
            {
                return match;
            }
        }

        throw new FormatException($"wrk's output has no {what} (run with --latency):\n{output}");
    }

    [GeneratedRegex(@"^\s*(?<count>\d+) requests in (?<time>[\d.]+(?:us|ms|s|m|h)),", RegexOptions.Multiline)]
    private static partial Regex Completed();

    [GeneratedRegex(@"^\s*Non-2xx or 3xx responses: (?<count>\d+)", RegexOptions.Multiline)]
    private static partial Regex NotSuccessful();

    [GeneratedRegex(@"^\s*Socket errors: connect (?<connect>\d+), read (?<read>\d+), write (?<write>\d+), timeout (?<timeout>\d+)", RegexOptions.Multiline)]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"^\s*(?<p>\d+)%\s+(?<time>[\d.]+(?:us|ms|s|m|h))\s*$", RegexOptions.Multiline)]
    private static partial Regex Percentile();

    [GeneratedRegex(@"^\s*Latency\s+(?<avg>[\d.]+(?:us|ms|s|m|h))\s+(?<stdev>[\d.]+(?:us|ms|s|m|h))\s+(?<max>[\d.]+(?:us|ms|s|m|h))", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();

    [GeneratedRegex(@"^(?<value>[\d.]+)(?<unit>us|ms|s|m|h)$")]
    private static partial Regex DurationText();
}
