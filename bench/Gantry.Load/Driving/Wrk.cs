using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gantry.Load.Driving;

/// <summary>One request that <see cref="Wrk"/> sends, as it goes on the wire (method, path, headers, body).</summary>
public sealed record WrkRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[]? Body = null);

/// <summary>
/// The external load generator: <c>wrk</c> (Debian's package, <c>bench/install-load-tools.sh</c>) in its own process,
/// one thread, N connections, each connection sending its next request as soon as the last one answered. The requests
/// rotate over a list given up front (written into a Lua script), so every user's key and job is used in turn, as the
/// in-process driver does.
/// </summary>
public static class Wrk
{
    public const string Executable = "wrk";

    /// <summary>Whether <c>wrk</c> is on the PATH.</summary>
    public static bool IsInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, Executable)));

    /// <summary>Runs wrk against <paramref name="server"/> for whole seconds and reads its summary.</summary>
    public static async Task<LoadResult> RunAsync(
        Uri server, int connections, TimeSpan duration, IReadOnlyList<WrkRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        ArgumentOutOfRangeException.ThrowIfZero(requests.Count);
        var script = Path.Combine(Path.GetTempPath(), "gantry-wrk-" + Guid.NewGuid().ToString("N")[..12] + ".lua");
        await File.WriteAllTextAsync(script, LuaScript(requests), cancellationToken);
        try
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(duration.TotalSeconds));
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "-t1", $"-c{connections.ToString(CultureInfo.InvariantCulture)}", $"-d{seconds.ToString(CultureInfo.InvariantCulture)}s",
                "--timeout", "10s", "--latency", "-s", script, server.GetLeftPart(UriPartial.Authority) + "/",
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start wrk.");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"wrk ended with exit code {process.ExitCode}: {await errors}");
            }

            return WrkSummary.Parse(await output, connections);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>A script whose <c>request</c> hands out the requests in turn, each formatted once at start.</summary>
    internal static string LuaScript(IReadOnlyList<WrkRequest> requests)
    {
        var text = new StringBuilder();
        text.AppendLine("local formatted = {}");
        text.AppendLine("local next_one = 0");
        text.AppendLine("init = function(args)");
        foreach (var request in requests)
        {
            text.Append("  formatted[#formatted + 1] = wrk.format(").Append(LuaString(request.Method)).Append(", ").Append(LuaString(request.Path)).Append(", {");
            foreach (var (name, value) in request.Headers)
            {
                text.Append('[').Append(LuaString(name)).Append("] = ").Append(LuaString(value)).Append(", ");
            }

            text.Append('}');
            if (request.Body is { } body)
            {
                text.Append(", ").Append(LuaString(Encoding.UTF8.GetString(body)));
            }

            text.AppendLine(")");
        }

        text.AppendLine("end");
        text.AppendLine("request = function()");
        text.AppendLine("  next_one = next_one % #formatted + 1");
        text.AppendLine("  return formatted[next_one]");
        text.AppendLine("end");
        return text.ToString();
    }

    /// <summary>A Lua string literal: every byte outside printable ASCII, and the quote and backslash, as a decimal escape.</summary>
    internal static string LuaString(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 0x20 and < 0x7f and not (byte)'"' and not (byte)'\\')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('\\').Append(b.ToString("000", CultureInfo.InvariantCulture));
            }
        }

        return text.Append('"').ToString();
    }
}
