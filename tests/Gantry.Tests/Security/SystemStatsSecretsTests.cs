using System.Net;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Security;

/// <summary>
/// <c>/api/system_stats</c> of a real <c>gantry serve</c> whose command line carries secrets: nothing of them reaches an
/// anonymous caller, a user or even an admin, nor the process's log.
/// </summary>
public sealed class SystemStatsSecretsTests
{
    private const string Secret = "hunter2sekrit";

    [Fact]
    public async Task No_secret_from_the_command_line_or_a_worker_url_is_shown_or_logged()
    {
        using var data = new TempDirectory();
        await using var server = await ServeProcess.StartAsync(
        [
            "--data", data.Path,
            "--Gantry:Workers:ComfyUi:0:Name=gpu",
            $"--Gantry:Workers:ComfyUi:0:Url=http://alice:{Secret}@127.0.0.1:9/?token={Secret}",
            $"--Gantry:Workers:ComfyUi:0:AuthHeader=Authorization: Bearer {Secret}",
            $"--Gantry:Unused:Connection=Host=db;Password={Secret}",
        ]);
        var key = (await File.ReadAllTextAsync(Path.Combine(data.Path, "admin-key"), TestContext.Current.CancellationToken)).Trim();

        using var anonymous = server.Client(apiKey: null);
        var health = await GetTextAsync(anonymous, "api/system_stats");
        health.ShouldNotContain(Secret);
        health.ShouldNotContain("argv\":[\"");
        health.ShouldNotContain("gpu");
        using (var bare = await anonymous.GetAsync("system_stats", TestContext.Current.CancellationToken))
        {
            bare.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using var admin = server.Client(key);
        foreach (var path in new[] { "api/system_stats", "system_stats", "api/admin/workers" })
        {
            var text = await GetTextAsync(admin, path);
            text.ShouldNotContain(Secret);
            text.ShouldContain("***");
        }

        server.Process.Stdout.ShouldNotContain(Secret);
        server.Process.Stderr.ShouldNotContain(Secret);
    }

    private static async Task<string> GetTextAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
