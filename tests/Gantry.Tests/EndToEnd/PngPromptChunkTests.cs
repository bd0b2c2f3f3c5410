using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Gantry.Engine.Imaging.Codecs;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using SkiaSharp;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// The <c>prompt</c> text chunk of a saved PNG is the prompt as ComfyUI records it while running: a node whose class
/// has IS_CHANGED carries <c>"is_changed": [result]</c> (LoadImage: the SHA-256 of the file it read), added last.
/// </summary>
public sealed class PngPromptChunkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_LoadImage_node_carries_the_files_hash_as_is_changed()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Workers:Embedded"] = "1" });
        using var user = await server.CreateUserAsync();
        var input = TestFiles.Png(3, 2, SKColors.Teal);
        using (var form = UploadApiTests.Form("teal.png", input))
        using (var upload = await user.Client.PostAsync("api/upload/image", form, Ct))
        {
            upload.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        const string graph = """
            {"1": {"class_type": "LoadImage", "inputs": {"image": "teal.png"}, "_meta": {"title": "Load Image"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "chunk"}}}
            """;
        var id = await JobWaiter.SubmitAsync(user.Client, graph);
        await JobWaiter.StatusAsync(server, user.Client, id, "completed");
        var image = (await JobWaiter.DetailAsync(user.Client, id)).GetProperty("outputs").GetProperty("2").GetProperty("images")[0];
        var png = await user.Client.GetByteArrayAsync($"view?filename={image.GetProperty("filename").GetString()}&type=output", Ct);

        var text = PngMetadata.ReadText(png).Single(t => t.Key == "prompt").Value;
        using var recorded = JsonDocument.Parse(text);
        var load = recorded.RootElement.GetProperty("1");
        load.EnumerateObject().Select(p => p.Name).ShouldBe(["class_type", "inputs", "_meta", "is_changed"]);
        load.GetProperty("is_changed").EnumerateArray().Select(h => h.GetString()).ShouldBe([Convert.ToHexStringLower(SHA256.HashData(input))]);
        recorded.RootElement.GetProperty("2").TryGetProperty("is_changed", out _).ShouldBeFalse();
    }
}
