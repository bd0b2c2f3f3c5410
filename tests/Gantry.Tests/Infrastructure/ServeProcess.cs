using System.Text.RegularExpressions;

namespace Gantry.Tests.Infrastructure;

/// <summary><c>gantry serve</c> as a real process on a free loopback port.</summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private ServeProcess(GantryProcess process, Uri baseAddress)
    {
        Process = process;
        BaseAddress = baseAddress;
    }

    public GantryProcess Process { get; }

    public Uri BaseAddress { get; }

    /// <summary>
    /// Starts <c>gantry serve</c>. Like <see cref="GantryTestServer"/> it runs no workers unless asked
    /// (<c>GANTRY__WORKERS__EMBEDDED=0</c>; <c>--embedded-workers N</c> or the environment override it).
    /// </summary>
    public static async Task<ServeProcess> StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var settings = new Dictionary<string, string?> { ["GANTRY__WORKERS__EMBEDDED"] = "0" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var process = GantryProcess.Start(["serve", "--urls", "http://127.0.0.1:0", .. args], settings);
        try
        {
            // Printed once the server listens and the admin key (on a first start) is saved.
            var line = await process.WaitForLineAsync("Gantry is ready on");
            var url = ListeningUrl().Match(line).Value;
            return new ServeProcess(process, new Uri(url.TrimEnd('/') + "/"));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public HttpClient Client(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TestTimeouts.Default };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        return client;
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningUrl();
}
