using System.Net;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// Two <c>gantry serve</c> processes on one PostgreSQL database and one shared data folder (as on an NFS mount): a file
/// uploaded through the follower (B) is read by a job submitted through the leader (A), which runs it on its own worker,
/// and the job's output downloads through the follower. Both have an embedded worker; only the leader runs its workers.
/// </summary>
public sealed class SharedDataFolderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_upload_through_the_follower_feeds_a_job_the_leaders_worker_runs_whose_output_downloads_through_the_follower()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var database = await PostgresTestDatabase.CreateAsync(Ct);
        using var shared = new TempDirectory("gantry-shared");
        string[] args = ["--data", shared.Path, "--store", database.ConnectionString, "--embedded-workers", "1"];
        await using var a = await ServeProcess.StartAsync(args);
        await a.Process.WaitForLineAsync("Leading the dispatcher");
        await using var b = await ServeProcess.StartAsync(args);
        var key = (await File.ReadAllTextAsync(Path.Combine(shared.Path, "admin-key"), Ct)).Trim();
        using var clientA = a.Client(key);
        using var clientB = b.Client(key);

        var picture = TestFiles.Png(3, 2);
        using (var upload = await clientB.PostAsync("api/upload/image", UploadApiTests.Form("shared.png", picture), Ct))
        {
            (await upload.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("name").GetString().ShouldBe("shared.png");
        }

        var workflow = Path.Combine(shared.Path, "load.json");
        await File.WriteAllTextAsync(workflow, """
            {"1": {"class_type": "LoadImage", "inputs": {"image": "shared.png"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "shared_out"}}}
            """, Ct);
        using var saved = new TempDirectory();
        var submit = await GantryProcess.RunAsync(
            ["submit", workflow, "--wait", "--dir", saved.Path],
            new Dictionary<string, string?> { ["GANTRY_URL"] = a.BaseAddress.ToString(), ["GANTRY_API_KEY"] = key });
        submit.ExitCode.ShouldBe(0, submit.Stdout + submit.Stderr);

        // The job ran on the leader (A) from a file the follower (B) stored; its output is read through B.
        using var history = await clientB.GetAsync("history", Ct);
        var job = (await history.ShouldBeJsonAsync(HttpStatusCode.OK)).EnumerateObject().Single().Value;
        var image = job.GetProperty("outputs").GetProperty("2").GetProperty("images")[0];
        var filename = image.GetProperty("filename").GetString()!;
        using var view = await clientB.GetAsync(
            $"api/view?filename={Uri.EscapeDataString(filename)}&subfolder={Uri.EscapeDataString(image.GetProperty("subfolder").GetString()!)}&type=output", Ct);
        view.StatusCode.ShouldBe(HttpStatusCode.OK);
        var downloaded = await view.Content.ReadAsByteArrayAsync(Ct);
        var local = Directory.GetFiles(saved.Path, "*.png", SearchOption.AllDirectories).Single();
        downloaded.ShouldBe(await File.ReadAllBytesAsync(local, Ct));
        using var decoded = SkiaSharp.SKBitmap.Decode(downloaded);
        (decoded.Width, decoded.Height).ShouldBe((3, 2));
    }
}
