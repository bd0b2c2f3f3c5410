using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Gantry.Tests.Events;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// An output can be downloaded the moment a message names it, as from ComfyUI (which writes the file before it sends
/// <c>executed</c>): a client fetches <c>/view</c> on each <c>executed</c>, and <c>/api/view</c> for each file the
/// job's record names once the final <c>executing {node: null}</c> came, over many jobs running back to back, on the embedded engine and on a ComfyUI worker.
/// </summary>
public sealed class OutputsBeforeAnnouncedTests
{
    private const int Jobs = 50;

    [Fact]
    public async Task Embedded_engine_outputs_are_readable_on_executed()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Workers:Embedded"] = "1" });
        using var user = await server.CreateUserAsync();
        await FetchOnEveryAnnouncementAsync(server, user, TestWorkflows.Simple);
    }

    [Fact]
    public async Task ComfyUi_worker_outputs_are_readable_on_executed()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(workers: 1);
        using var user = await cluster.Server.CreateUserAsync();
        await FetchOnEveryAnnouncementAsync(cluster.Server, user, Workers.ComfyUi.ComfyUiWorkerHarness.TextToImage);
    }

    private static async Task FetchOnEveryAnnouncementAsync(GantryTestServer server, TestUser user, string graph)
    {
        var (socket, _) = await TestSocket.OpenAsync(server, user.Key);
        await using (socket)
        {
            var pending = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < Jobs; i++)
            {
                pending.Add((await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body(graph))).ToString("D"));
            }

            var fetched = 0;
            var succeeded = 0;
            var recorded = 0;
            var ended = 0;
            while (ended < Jobs)
            {
                var message = await socket.ReceiveAsync();
                message.Type.ShouldNotBe(WebSocketMessageType.Close, $"the socket closed after {ended} jobs");
                if (message.Type != WebSocketMessageType.Text)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(message.Data);
                var type = document.RootElement.GetProperty("type").GetString();
                var data = document.RootElement.GetProperty("data");
                if (type == "executed" && data.GetProperty("output").ValueKind == JsonValueKind.Object
                    && data.GetProperty("output").TryGetProperty("images", out var images))
                {
                    data.GetProperty("prompt_id").GetString().ShouldBeOneOf([.. pending]);
                    foreach (var image in images.EnumerateArray())
                    {
                        await ShouldServeImageAsync(user.Client, "view", image);
                        fetched++;
                    }
                }
                else if (type == "execution_success")
                {
                    succeeded++;
                }
                else if (type == "executing" && data.GetProperty("node").ValueKind == JsonValueKind.Null)
                {
                    // ComfyUI's last word, sent once the job's record is written: the record names the same files,
                    // each readable through /api/view (a redirect to a signed URL).
                    var id = data.GetProperty("prompt_id").GetString()!;
                    pending.Remove(id).ShouldBeTrue();
                    ended++;
                    using var job = await user.Client.GetAsync($"api/jobs/{id}", TestContext.Current.CancellationToken);
                    var outputs = (await job.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("outputs");
                    foreach (var node in outputs.EnumerateObject())
                    {
                        if (node.Value.TryGetProperty("images", out var listed))
                        {
                            foreach (var image in listed.EnumerateArray())
                            {
                                await ShouldServeImageAsync(user.Client, "api/view", image);
                                recorded++;
                            }
                        }
                    }
                }
            }

            succeeded.ShouldBe(Jobs);
            fetched.ShouldBeGreaterThanOrEqualTo(Jobs);
            recorded.ShouldBeGreaterThanOrEqualTo(Jobs);
        }
    }

    private static async Task ShouldServeImageAsync(HttpClient client, string route, JsonElement image)
    {
        var query = $"filename={Uri.EscapeDataString(image.GetProperty("filename").GetString()!)}"
            + $"&subfolder={Uri.EscapeDataString(image.GetProperty("subfolder").GetString()!)}&type={image.GetProperty("type").GetString()}";
        using var response = await client.GetAsync($"{route}?{query}", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{route}?{query} right after it was announced");
        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }).ShouldBeTrue("a PNG");
    }
}
