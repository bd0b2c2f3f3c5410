using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.RealComfyUi;

/// <summary>
/// A private real ComfyUI for tests that kill it: started with the tier's start script on a free port in a temp
/// folder, killed with SIGKILL on demand, restarted on the same port and folder, and stopped on dispose.
/// </summary>
public sealed class OwnComfyUi : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("gantry-own-comfyui");
    private readonly int _port = FreePort();

    private OwnComfyUi()
    {
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{_port}/");

    /// <summary>The folder SaveImage writes to.</summary>
    public string OutputDirectory => Path.Combine(_dir.Path, "output");

    public static async Task<OwnComfyUi> StartAsync()
    {
        var own = new OwnComfyUi();
        try
        {
            await own.RunStartScriptAsync();
            return own;
        }
        catch
        {
            await own.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL, as a crash: no goodbye on the socket, the queue is lost.</summary>
    public async Task KillAsync()
    {
        if (ProcessId() is not { } pid)
        {
            return;
        }

        using var process = Process.GetProcessById(pid);
        process.Kill();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
    }

    /// <summary>Starts it again on the same port and folder.</summary>
    public Task RestartAsync() => RunStartScriptAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }

        _dir.Dispose();
    }

    private int? ProcessId()
    {
        var file = Path.Combine(_dir.Path, "comfyui.pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : null;
    }

    private async Task RunStartScriptAsync()
    {
        var script = RealComfyUiTier.StartScript ?? throw new InvalidOperationException(RealComfyUiTier.StartSkipReason);
        var start = new ProcessStartInfo(script)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", _dir.Path },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {script}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {await errors}");
        }

        var url = (await output).Trim().Split('\n')[^1].Trim();
        url.ShouldBe($"http://127.0.0.1:{_port}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
