using System.Diagnostics;
using System.Text;

namespace Gantry.Tests.Infrastructure;

/// <summary>Runs the real <c>gantry</c> executable (the built gantry.dll under <c>dotnet</c>) as a child process.</summary>
public sealed class GantryProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(string Line, TaskCompletionSource<string> Waiter)> _waiters = [];
    private readonly Lock _gate = new();

    private GantryProcess(Process process) => _process = process;

    /// <summary>The gantry.dll built next to the tests.</summary>
    public static string GantryDll => Path.Combine(AppContext.BaseDirectory, "gantry.dll");

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static GantryProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(GantryDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Tests must not pick up a developer's own settings.
        info.Environment["GANTRY_URL"] = null;
        info.Environment["GANTRY_API_KEY"] = null;
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var wrapper = new GantryProcess(process);
        process.OutputDataReceived += (_, e) => wrapper.OnLine(e.Data, wrapper._stdout);
        process.ErrorDataReceived += (_, e) => wrapper.OnLine(e.Data, wrapper._stderr);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>Runs a command to its end and returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        await using var process = Start(args, environment, workingDirectory);
        var exitCode = await process.WaitForExitAsync(TestTimeouts.Default);
        return (exitCode, process.Stdout, process.Stderr);
    }

    /// <summary>Waits for a line of output (stdout or stderr) containing <paramref name="text"/> and returns it.</summary>
    public Task<string> WaitForLineAsync(string text)
    {
        var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = (_stdout.ToString() + _stderr).Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (existing is not null)
            {
                return Task.FromResult(existing.TrimEnd('\r'));
            }

            _waiters.Add((text, waiter));
        }

        _process.Exited += (_, _) => waiter.TrySetException(new InvalidOperationException(
            $"gantry exited ({SafeExitCode()}) before printing '{text}'.\nstdout:\n{Stdout}\nstderr:\n{Stderr}"));
        if (_process.HasExited)
        {
            waiter.TrySetException(new InvalidOperationException($"gantry had exited before printing '{text}'.\nstdout:\n{Stdout}\nstderr:\n{Stderr}"));
        }

        return waiter.Task.WaitAsync(TestTimeouts.Default);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Asks the process to stop (SIGTERM), as a service manager would, and waits until it has.</summary>
    public async Task TerminateAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void OnLine(string? line, StringBuilder into)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            into.Append(line).Append('\n');
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_waiters[i].Line, StringComparison.Ordinal))
                {
                    _waiters[i].Waiter.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private string SafeExitCode() => _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "running";
}
