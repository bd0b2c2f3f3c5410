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

    public static async Task<ServeProcess> StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var process = GantryProcess.Start(["serve", "--urls", "http://127.0.0.1:0", .. args], environment);
        try
        {
            var line = await process.WaitForLineAsync("Now listening on:");
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
