using System.Net;
using Gantry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gantry.Tests.RealComfyUi;

/// <summary>A real Gantry whose only worker (<c>real</c>) is a real ComfyUI, keeping its log for failure messages.</summary>
public sealed class RealComfyUiGantry : IAsyncDisposable
{
    public const string WorkerName = "real";

    private RealComfyUiGantry(GantryTestServer server, TestLog log)
    {
        Server = server;
        Log = log;
    }

    public GantryTestServer Server { get; }

    public TestLog Log { get; }

    /// <param name="comfyUi">The ComfyUI to drive.</param>
    /// <param name="settings">More settings.</param>
    public static async Task<RealComfyUiGantry> StartAsync(Uri comfyUi, IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            [$"Gantry:Workers:ComfyUi:0:Name"] = WorkerName,
            [$"Gantry:Workers:ComfyUi:0:Url"] = comfyUi.ToString(),
            ["Gantry:ComfyUi:ReconnectInitialDelay"] = "00:00:00.050",
            ["Gantry:ComfyUi:ReconnectMaxDelay"] = "00:00:00.500",
            ["Logging:LogLevel:Gantry"] = "Debug",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var log = new TestLog();
        var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, all, builder =>
        {
            // The debug log goes to this test's own log (shown when it fails), not to the console the whole run shares.
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(log);
            builder.Services.AddSingleton(log);
        });
        return new RealComfyUiGantry(server, log);
    }

    /// <summary>Submits a prompt; the 200's prompt id.</summary>
    public static async Task<Guid> SubmitAsync(TestUser user, string prompt)
    {
        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(prompt)));
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return Guid.Parse(json.GetProperty("prompt_id").GetString()!);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
