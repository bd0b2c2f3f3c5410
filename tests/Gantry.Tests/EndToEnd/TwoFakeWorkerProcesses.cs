using System.Net;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Workers.ComfyUi;

namespace Gantry.Tests.EndToEnd;

/// <summary>What the real-process tests (crash recovery, leader failover) give a <c>gantry serve</c> child: two fake ComfyUI workers with fast reconnects, and a submit.</summary>
internal static class TwoFakeWorkerProcesses
{
    /// <summary>Settings, as environment variables, for workers <c>gpu-a</c> and <c>gpu-b</c> and no per-user running limit.</summary>
    public static Dictionary<string, string?> Environment(FakeComfyUiServer a, FakeComfyUiServer b) => new()
    {
        ["GANTRY__WORKERS__COMFYUI__0__NAME"] = "gpu-a",
        ["GANTRY__WORKERS__COMFYUI__0__URL"] = a.BaseAddress.ToString(),
        ["GANTRY__WORKERS__COMFYUI__1__NAME"] = "gpu-b",
        ["GANTRY__WORKERS__COMFYUI__1__URL"] = b.BaseAddress.ToString(),
        ["GANTRY__SCHEDULER__MAXRUNNINGPERUSER"] = "0",
        ["GANTRY__COMFYUI__RECONNECTINITIALDELAY"] = "00:00:00.020",
        ["GANTRY__COMFYUI__RECONNECTMAXDELAY"] = "00:00:00.200",
        ["GANTRY__COMFYUI__POLLINTERVAL"] = "00:00:00.100",
        ["GANTRY__COMFYUI__HISTORYRETRYDELAY"] = "00:00:00.010",
    };

    /// <summary>Submits the text-to-image prompt; the acknowledged prompt id.</summary>
    public static async Task<Guid> SubmitAsync(HttpClient client)
    {
        using var response = await client.PostAsync(
            "api/prompt", TestWorkflows.Json(TestWorkflows.Body(ComfyUiWorkerHarness.TextToImage)), TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return Guid.Parse(json.GetProperty("prompt_id").GetString()!);
    }
}
