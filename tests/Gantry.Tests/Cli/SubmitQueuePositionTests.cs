using System.Text.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Cli;

/// <summary>The queue position <c>gantry submit</c> prints is a number while the job waits.</summary>
public sealed class SubmitQueuePositionTests
{
    [Fact]
    public async Task Waiting_jobs_get_their_position_as_a_number()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var user = await server.CreateUserAsync();
        string[] common = ["--url", server.BaseAddress.ToString(), "--api-key", user.Key];
        var (first, firstOut, firstErr) = await GantryProcess.RunAsync(["submit", RepositoryPaths.Example("text-preview.json"), .. common]);
        first.ShouldBe(0, firstErr);
        firstOut.ShouldContain("(queue position 0)");

        var (second, secondOut, _) = await GantryProcess.RunAsync(["submit", RepositoryPaths.Example("text-preview.json"), "--json", .. common]);
        second.ShouldBe(0);
        JsonDocument.Parse(secondOut).RootElement.GetProperty("queue_position").GetInt32().ShouldBe(1);
    }
}
