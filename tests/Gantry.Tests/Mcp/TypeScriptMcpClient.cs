using System.Diagnostics;
using System.Text.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Mcp;

/// <summary>
/// The official TypeScript MCP client (npm <c>@modelcontextprotocol/sdk</c>, pinned in tests/clients) run with node:
/// tests/clients/mcp-session.mjs takes a plan of tool calls on stdin and prints what the server answered.
/// </summary>
public static class TypeScriptMcpClient
{
    public static async Task<JsonElement> RunAsync(object plan)
    {
        var (exitCode, output, errors) = await RunProcessAsync(plan);
        exitCode.ShouldBe(0, $"node mcp-session.mjs failed.\nstdout:\n{output}\nstderr:\n{errors}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>Runs the script and returns its exit code and output, whatever they are.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(object plan)
    {
        var scripts = RepositoryPaths.ClientScripts;
        if (!Directory.Exists(Path.Combine(scripts, "node_modules", "@modelcontextprotocol", "sdk")))
        {
            throw new InvalidOperationException($"The TypeScript MCP client is not installed: run 'npm ci' in {scripts} (test.sh does).");
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = scripts,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("mcp-session.mjs");
        info.Environment["GANTRY_URL"] = null;
        info.Environment["GANTRY_API_KEY"] = null;
        using var process = Process.Start(info)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestTimeouts.Default * 2);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(plan));
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The result of call <paramref name="index"/>; a call that threw fails the test with its message.</summary>
    public static JsonElement Result(this JsonElement session, int index)
    {
        var entry = session.GetProperty("results")[index];
        entry.TryGetProperty("error", out var error).ShouldBeFalse($"call {index} ({entry.GetProperty("tool")}) threw: {(error.ValueKind == JsonValueKind.String ? error.GetString() : "")}");
        return entry.GetProperty("result");
    }
}
