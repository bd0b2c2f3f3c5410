using System.Diagnostics;
using System.Globalization;
using Gantry.Load.Hosting;

namespace Gantry.Load.Driving;

/// <summary>
/// Where the CPU went during one load point: each <c>gantry serve</c> process, PostgreSQL (all its processes) and the
/// whole machine, as CPU seconds between <see cref="Start"/> and <see cref="Describe"/>. Says what limits a point.
/// </summary>
public sealed class CpuShares
{
    private readonly IReadOnlyList<(string Name, ServeProcess Process)> _servers;
    private readonly TimeSpan[] _serversAtStart;
    private readonly TimeSpan _postgresAtStart;
    private readonly TimeSpan _machineAtStart;
    private readonly long _startedAt = Stopwatch.GetTimestamp();

    private CpuShares(IReadOnlyList<(string Name, ServeProcess Process)> servers)
    {
        _servers = servers;
        _serversAtStart = [.. servers.Select(s => s.Process.CpuTime())];
        _postgresAtStart = PostgresCpu();
        _machineAtStart = MachineBusy();
    }

    public static CpuShares Start(IReadOnlyList<(string Name, ServeProcess Process)> servers) => new(servers);

    /// <summary>One line: the CPU seconds of each, and the machine's, over the wall time since the start.</summary>
    public string Describe()
    {
        var wall = Stopwatch.GetElapsedTime(_startedAt).TotalSeconds;
        var parts = _servers.Select((s, i) => $"{s.Name} {(s.Process.CpuTime() - _serversAtStart[i]).TotalSeconds:F1} s");
        return string.Create(CultureInfo.InvariantCulture,
            $"{string.Join(", ", parts)}, PostgreSQL {(PostgresCpu() - _postgresAtStart).TotalSeconds:F1} s, whole machine {(MachineBusy() - _machineAtStart).TotalSeconds:F1} s of {wall * Environment.ProcessorCount:F1} s ({wall:F1} s × {Environment.ProcessorCount} cores)");
    }

    /// <summary>CPU time of every process named postgres (the server and its sessions) alive now.</summary>
    private static TimeSpan PostgresCpu()
    {
        var total = TimeSpan.Zero;
        foreach (var process in Process.GetProcessesByName("postgres"))
        {
            using (process)
            {
                try
                {
                    total += process.TotalProcessorTime;
                }
                catch (Exception error) when (error is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // It ended meanwhile.
                }
            }
        }

        return total;
    }

    /// <summary>Busy CPU time of the whole machine (all but idle and iowait in /proc/stat), 100 ticks a second.</summary>
    private static TimeSpan MachineBusy()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields.Take(8).Sum() - fields[3] - fields[4];
        return TimeSpan.FromSeconds(busy / 100.0);
    }
}
