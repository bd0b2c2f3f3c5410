namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Delays between reconnect attempts: exponential from an initial delay, capped, with a random share
/// taken off each delay (full jitter on that share) so many clients of one worker do not retry in step.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly double _jitter;
    private readonly Random _random;
    private int _failures;

    public ReconnectBackoff(TimeSpan initial, TimeSpan max, double jitter, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        _initial = initial;
        _max = max;
        _jitter = Math.Clamp(jitter, 0, 1);
        _random = random ?? Random.Shared;
    }

    /// <summary>Failed attempts since the last success.</summary>
    public int Failures => _failures;

    /// <summary>The delay before the next attempt; each call counts one more failure.</summary>
    public TimeSpan NextDelay()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var nominal = Math.Min(_initial.TotalMilliseconds * Math.Pow(2, exponent), _max.TotalMilliseconds);
        var jittered = nominal * (1 - (_jitter * _random.NextDouble()));
        return TimeSpan.FromMilliseconds(jittered);
    }

    /// <summary>The worker answered: start again from the initial delay.</summary>
    public void Reset() => _failures = 0;
}
