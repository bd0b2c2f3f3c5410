using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Editor;

/// <summary><c>gantry serve --frontend</c> as a real process with one embedded worker, on a data folder that outlives restarts.</summary>
public sealed class EditorServer : IAsyncDisposable
{
    private readonly TempDirectory _data = new("gantry-editor");
    private ServeProcess? _process;

    public Uri BaseAddress => _process?.BaseAddress ?? throw new InvalidOperationException("Not started.");

    public string AdminKey => File.ReadAllText(Path.Combine(_data.Path, "admin-key")).Trim();

    public async Task StartAsync()
    {
        _process = await ServeProcess.StartAsync(
            ["--frontend", EditorTier.FrontendRoot!, "--data", _data.Path, "--embedded-workers", "1"]);
    }

    /// <summary>Stops the server and starts it again on the same data (a new port).</summary>
    public async Task RestartAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        await StartAsync();
    }

    /// <summary>A new user and its key, made with <c>gantry keys create</c> on the server's data folder.</summary>
    public async Task<string> CreateUserKeyAsync(string name)
    {
        var (code, stdout, stderr) = await GantryProcess.RunAsync(["keys", "create", "--user", name, "--data", _data.Path]);
        code.ShouldBe(0, stderr);
        return stdout.Trim().Split('\n')[^1].Trim();
    }

    public HttpClient Client(string key) => _process!.Client(key);

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _data.Dispose();
    }
}
