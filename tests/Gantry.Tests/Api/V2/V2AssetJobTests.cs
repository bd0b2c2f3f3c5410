using System.Net;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using SkiaSharp;

namespace Gantry.Tests.Api.V2;

/// <summary>A v2 job whose workflow references an uploaded asset (<c>core/ASSET</c>) runs on a real worker and reads its bytes.</summary>
public sealed class V2AssetJobTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_core_ASSET_reference_is_resolved_to_the_callers_file_and_the_job_reads_it()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Workers:Embedded"] = "1" });
        using var user = await server.CreateUserAsync();
        var asset = await V2AssetsApiTests.UploadOkAsync(user.Client, TestFiles.Png(5, 3, SKColors.Teal), "teal one.png");

        var workflow = """
            {"1": {"class_type": "LoadImage", "inputs": {"image": {"__type": "core/ASSET", "info": {"id": "ASSET_ID", "file_path": "ignored.png"}}}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "asset"}}}
            """.Replace("ASSET_ID", asset, StringComparison.Ordinal);
        var id = await V2Requests.SubmitOkAsync(user.Client, workflow);
        await JobWaiter.StatusAsync(server, user.Client, id, "completed");

        var job = await V2Requests.GetJobOkAsync(user.Client, id);
        job.GetProperty("status").GetString().ShouldBe("succeeded");
        var output = job.GetProperty("outputs")[0];
        using var image = SKBitmap.Decode(await user.Client.GetByteArrayAsync(new Uri(output.GetProperty("url").GetString()!), Ct));
        (image.Width, image.Height).ShouldBe((5, 3));
        image.GetPixel(2, 1).ShouldBe(SKColors.Teal);

        var (status, graph) = await V2Requests.GetAsync(user.Client, $"api/v2/jobs/{id:D}/workflow", "/api/v2/jobs/{id}/workflow");
        status.ShouldBe(HttpStatusCode.OK);
        graph.GetProperty("workflow").GetProperty("1").GetProperty("inputs").GetProperty("image").GetString().ShouldBe($"_assets/{asset}/teal one.png");
    }
}
