using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// The README's Quickstart and "Submit a workflow" commands, run as written from the root of a copy of the
/// repository: <c>./gantry serve</c>, then <c>./gantry submit … --wait</c>, <c>cat gantry-data/admin-key</c>, the
/// curl submit, status and download. Only the port differs (a free one instead of 8188, which may be taken here).
/// </summary>
public sealed class ReadmeQuickstartTests
{
    [Fact]
    public async Task The_quickstart_and_usage_commands_work_as_written_from_the_repository_root()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"), TestContext.Current.CancellationToken);
        var quickstart = ShellBlocks(Section(readme, "## Quickstart"));
        var usage = ShellBlocks(Section(readme, "### Submit a workflow"));
        quickstart.Count.ShouldBe(2);
        quickstart[0].Trim().ShouldBe("./gantry serve");
        quickstart[1].Trim().ShouldBe("./test.sh");

        using var copy = new TempDirectory("gantry-readme");
        CopyRepository(RepositoryPaths.Root, copy.Path);
        var port = FreePort();
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["GANTRY_URL"] = $"http://127.0.0.1:{port}",
        };

        await using var serve = ShellProcess.Start(quickstart[0], copy.Path, environment);
        await serve.WaitForOutputAsync("Gantry is ready on");
        File.Exists(Path.Combine(copy.Path, "gantry-data", "admin-key")).ShouldBeTrue(serve.Output);

        var script = usage.Single().Replace("127.0.0.1:8188", $"127.0.0.1:{port}", StringComparison.Ordinal);
        await using var client = ShellProcess.Start(script, copy.Path, environment);
        var exitCode = await client.WaitForExitAsync();
        exitCode.ShouldBe(0, client.Output);
        client.Output.ShouldContain("completed");
        client.Output.ShouldContain("\"status\":");
        File.Exists(Path.Combine(copy.Path, "examples", "composite_00001_.png")).ShouldBeTrue(client.Output);
        var downloaded = await File.ReadAllBytesAsync(Path.Combine(copy.Path, "composite.png"), TestContext.Current.CancellationToken);
        downloaded.AsSpan(0, 4).ToArray().ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, client.Output);
    }

    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, $"README has no '{heading}'");
        var level = heading[..(heading.IndexOf(' ', StringComparison.Ordinal) + 1)];
        var body = markdown[(start + heading.Length + 2)..];
        var end = body.IndexOf("\n" + level, StringComparison.Ordinal);
        var higher = level.Length > 3 ? body.IndexOf("\n" + level[1..], StringComparison.Ordinal) : -1;
        var stop = new[] { end, higher, body.Length }.Where(i => i >= 0).Min();
        return body[..stop];
    }

    private static List<string> ShellBlocks(string section)
    {
        var blocks = new List<string>();
        var parts = section.Split("```");
        for (var i = 1; i < parts.Length; i += 2)
        {
            if (parts[i].StartsWith("sh\n", StringComparison.Ordinal))
            {
                blocks.Add(parts[i]["sh\n".Length..]);
            }
        }

        return blocks;
    }

    /// <summary>
    /// The sources as a fresh clone has them, plus the gantry already built from them (so <c>./gantry</c> finds its
    /// build fresh instead of spending minutes on a second one).
    /// </summary>
    private static void CopyRepository(string from, string to)
    {
        string[] skipped = [".git", "artifacts", "node_modules", "gantry-data", "bin", "obj", "test-results"];
        foreach (var directory in Directory.EnumerateDirectories(from, "*", new EnumerationOptions { RecurseSubdirectories = false }))
        {
            if (!skipped.Contains(Path.GetFileName(directory)))
            {
                CopyTree(directory, Path.Combine(to, Path.GetFileName(directory)), skipped);
            }
        }

        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            File.SetUnixFileMode(Path.Combine(to, Path.GetFileName(file)), File.GetUnixFileMode(file));
        }

        var built = Path.Combine(to, "artifacts", "gantry");
        CopyTree(Path.GetDirectoryName(GantryProcess.GantryDll)!, built, []);
        var stamp = Path.Combine(built, ".built-from-sources");
        File.WriteAllText(stamp, "");
        File.SetLastWriteTimeUtc(stamp, DateTime.UtcNow.AddMinutes(1));
    }

    private static void CopyTree(string from, string to, string[] skipped)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            if (!skipped.Contains(Path.GetFileName(directory)))
            {
                CopyTree(directory, Path.Combine(to, Path.GetFileName(directory)), skipped);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A bash script run as a child process, its stdout and stderr collected together.</summary>
    private sealed class ShellProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly Lock _gate = new();
        private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

        private ShellProcess(Process process) => _process = process;

        public string Output
        {
            get
            {
                lock (_gate)
                {
                    return _output.ToString();
                }
            }
        }

        public static ShellProcess Start(string script, string directory, IReadOnlyDictionary<string, string?> environment)
        {
            var info = new ProcessStartInfo("bash") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("-euo");
            info.ArgumentList.Add("pipefail");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(script);
            foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("GANTRY", StringComparison.Ordinal)).ToList())
            {
                info.Environment.Remove(name);
            }

            info.Environment["DOTNET_NOLOGO"] = "1";
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }

            var shell = new ShellProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
            shell._process.OutputDataReceived += (_, e) => shell.OnLine(e.Data);
            shell._process.ErrorDataReceived += (_, e) => shell.OnLine(e.Data);
            shell._process.Start();
            shell._process.BeginOutputReadLine();
            shell._process.BeginErrorReadLine();
            return shell;
        }

        public async Task WaitForOutputAsync(string text)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_output.ToString().Contains(text, StringComparison.Ordinal))
                {
                    return;
                }

                _waiters.Add((text, seen));
            }

            var exited = _process.WaitForExitAsync(TestContext.Current.CancellationToken);
            var first = await Task.WhenAny(seen.Task, exited).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
            if (first != seen.Task)
            {
                throw new InvalidOperationException($"The command ended before printing '{text}':\n{Output}");
            }
        }

        public async Task<int> WaitForExitAsync()
        {
            await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default * 2, TestContext.Current.CancellationToken);
            return _process.ExitCode;
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

        private void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                _output.Append(line).Append('\n');
                foreach (var waiter in _waiters.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
                {
                    waiter.Seen.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
    }
}
