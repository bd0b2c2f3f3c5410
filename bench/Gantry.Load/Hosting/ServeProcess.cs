using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Gantry.Load.Hosting;

/// <summary>
/// <c>gantry serve</c> as its own process (the <c>gantry.dll</c> built next to this driver), so its memory is its own.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <param name="embeddedWorkers">Passed as <c>--embedded-workers</c>; null leaves it out (Gantry's default).</param>
    public static async Task<ServeProcess> StartAsync(IEnumerable<string> arguments, CancellationToken cancellationToken, int? embeddedWorkers = 0)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] workers = embeddedWorkers is { } count ? ["--embedded-workers", count.ToString(CultureInfo.InvariantCulture)] : [];
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "gantry.dll"), "serve", "--urls", "http://127.0.0.1:0" }
            .Concat(workers).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start gantry serve.");
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
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return new ServeProcess(process, new Uri(match.Value.TrimEnd('/') + "/"));
                }
            }

            throw new InvalidOperationException("gantry serve ended before it listened.");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
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
