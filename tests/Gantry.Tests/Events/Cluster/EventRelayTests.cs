using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Gantry.Engine.Json;
using Gantry.Scheduling;
using Gantry.Tests.EndToEnd;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Events.Cluster;

/// <summary>
/// Two instances on one PostgreSQL database: the leader drives a fake ComfyUI, the follower only serves. A client on the
/// follower gets every frame of its job that the client on the leader gets, in the same order and byte for byte: a
/// message far over PostgreSQL's 8,000-byte notification limit included, and a preview up to the relay's limit; a bigger
/// preview reaches the leader's clients only.
/// </summary>
public sealed class EventRelayTests
{
    private const int PreviewLimit = 16 * 1024;

    private static readonly Dictionary<string, string> Settings = new() { ["Gantry:EventRelay:MaxPreviewBytes"] = $"{PreviewLimit}" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_on_a_follower_gets_the_leaders_frames_in_order_big_messages_included_and_previews_up_to_the_limit()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var fake = await FakeComfyUiServer.StartAsync(Ct);
        var settings = new Dictionary<string, string>(Settings)
        {
            ["Gantry:Workers:ComfyUi:0:Name"] = "gpu",
            ["Gantry:Workers:ComfyUi:0:Url"] = fake.BaseAddress.ToString(),
        };
        await using var leader = await GantryTestServer.StartAsync(StoreKind.Postgres, settings);
        await leader.GetService<Dispatcher>().Ready.WaitAsync(TestTimeouts.Default, Ct);
        await using var follower = await leader.StartSecondInstanceAsync(settings);
        follower.GetService<Dispatcher>().IsLeading.ShouldBeFalse();
        using var user = await leader.CreateUserAsync();

        var blob = new string('b', 50_000);
        var smallPreview = FakePng.Distinct("small");
        var bigPreview = FakePng.Distinct(new string('p', PreviewLimit));
        fake.Script = run => RunWithExtrasAsync(run, smallPreview, bigPreview, blob);

        await using var onLeader = await TestSocket.ConnectAsync(leader.BaseAddress, user.Key);
        await using var onFollower = await TestSocket.ConnectAsync(follower.BaseAddress, user.Key);
        using var viaFollower = follower.CreateClient(user.Key);
        var jobId = await TwoFakeWorkerProcesses.SubmitAsync(viaFollower);

        var here = await JournalAsync(onLeader, jobId);
        var there = await JournalAsync(onFollower, jobId);

        here.ShouldContain(f => f.Contains(blob, StringComparison.Ordinal));
        here.ShouldContain(Binary(smallPreview));
        here.ShouldContain(Binary(bigPreview));
        there.ShouldBe([.. here.Where(f => f != Binary(bigPreview))]);
    }

    /// <summary>The text-to-image run, with two previews and a 50 kB message after its first node.</summary>
    private static async Task RunWithExtrasAsync(FakeRun run, byte[] smallPreview, byte[] bigPreview, string blob)
    {
        await run.StartAsync();
        var first = true;
        foreach (var nodeId in run.Prompt.Prompt.Keys.Order(StringComparer.Ordinal))
        {
            var classType = run.NodeType(nodeId);
            await run.ExecuteNodeAsync(nodeId, classType == "KSampler" ? 3 : 0);
            if (first)
            {
                first = false;
                await run.SendPreviewAsync(smallPreview);
                await run.SendPreviewAsync(bigPreview);
                await run.SendAsync("relay_test_blob", new JObjectBuilder { ["prompt_id"] = run.PromptId, ["blob"] = blob }.Build());
            }

            if (classType == "SaveImage")
            {
                await run.SaveImageAsync(nodeId, $"relay_{nodeId}_.png", FakePng.Distinct(run.PromptId + nodeId));
            }
        }
    }

    private static string Binary(byte[] image) => $"binary {Convert.ToHexString(SHA256.HashData([0, 0, 0, 1, 0, 0, 0, 2, .. image]))}";

    /// <summary>The socket's frames about the job (text as sent, binary by digest) up to its final <c>executing {node: null}</c>.</summary>
    internal static async Task<List<string>> JournalAsync(TestSocket socket, Guid jobId)
    {
        var seen = new List<string>();
        while (true)
        {
            var message = await socket.ReceiveAsync();
            message.Type.ShouldNotBe(WebSocketMessageType.Close, $"the socket closed after {seen.Count} frames");
            if (message.Type == WebSocketMessageType.Binary)
            {
                seen.Add($"binary {Convert.ToHexString(SHA256.HashData(message.Data))}");
                continue;
            }

            using var document = JsonDocument.Parse(message.Data);
            var data = document.RootElement.GetProperty("data");
            if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("prompt_id", out var id) || id.GetString() != jobId.ToString("D"))
            {
                continue;
            }

            seen.Add(message.Text);
            if (document.RootElement.GetProperty("type").GetString() == "executing" && data.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.Null)
            {
                return seen;
            }
        }
    }
}
