using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Gantry.Load.Hosting;

/// <summary>
/// <c>gantry serve</c> as its own process (the <c>gantry.dll</c> built next to this driver), so its memory is its own;
/// or the bare Kestrel baseline as its own process, so an external load generator measures both alike.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private const int MaxKeptLines = 1000;

    private readonly Process _process;

    /// <summary>The warning and error lines the process logged (the first <see cref="MaxKeptLines"/>).</summary>
    private readonly ConcurrentQueue<string> _warnings = new();
    private int _warningCount;

    private ServeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>How many warning and error lines the process has logged since it listened.</summary>
    public int WarningCount => Volatile.Read(ref _warningCount);

    /// <summary>The first of those lines, with the line that follows each (the console logger puts the message there).</summary>
    public IReadOnlyCollection<string> Warnings => _warnings;

    /// <param name="embeddedWorkers">Passed as <c>--embedded-workers</c>; null leaves it out (Gantry's default).</param>
    public static Task<ServeProcess> StartAsync(IEnumerable<string> arguments, CancellationToken cancellationToken, int? embeddedWorkers = 0)
    {
        string[] workers = embeddedWorkers is { } count ? ["--embedded-workers", count.ToString(CultureInfo.InvariantCulture)] : [];
        return LaunchAsync(
            new[] { Path.Combine(AppContext.BaseDirectory, "gantry.dll"), "serve", "--urls", "http://127.0.0.1:0" }.Concat(workers).Concat(arguments),
            "gantry serve",
            cancellationToken);
    }

    /// <summary>The bare Kestrel baseline as its own process, answering each file of <paramref name="answers"/> under its name.</summary>
    public static Task<ServeProcess> StartBareKestrelAsync(string answers, CancellationToken cancellationToken) =>
        LaunchAsync([Path.Combine(AppContext.BaseDirectory, "Gantry.Load.dll"), "bare", answers], "the bare Kestrel", cancellationToken);

    private static async Task<ServeProcess> LaunchAsync(IEnumerable<string> arguments, string what, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {what}.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (ListeningUrl().Match(line) is { Success: true } match)
                {
                    // Keep reading so the server never blocks on a full stdout pipe.
                    var served = new ServeProcess(process, new Uri(match.Value.TrimEnd('/') + "/"));
                    _ = Task.Run(() => served.KeepReadingAsync(), CancellationToken.None);
                    return served;
                }
            }

            throw new InvalidOperationException($"{what} ended before it listened.");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Reads the rest of the output, keeping the warnings and errors (with the message line after each).</summary>
    private async Task KeepReadingAsync()
    {
        try
        {
            var keepNext = false;
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                var isWarning = line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);
                if (isWarning)
                {
                    Interlocked.Increment(ref _warningCount);
                }

                if ((isWarning || keepNext) && _warnings.Count < MaxKeptLines)
                {
                    _warnings.Enqueue(line);
                }

                keepNext = isWarning;
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process ended.
        }
    }

    /// <summary>CPU time (user and system) the process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Resident and peak resident memory of the process, in MiB (from /proc).</summary>
    public (double Rss, double Peak) Memory()
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kib(line) / 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kib(line) / 1024;
            }
        }

        return (rss, peak);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static double Kib(string line) =>
        double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningUrl();
}
