using System.Net;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Editor;

/// <summary>
/// The editor's state on two Gantry instances over one PostgreSQL database (behind one load balancer): a setting or a
/// saved workflow written through one instance is what the other answers next, also after that one read it before.
/// </summary>
public sealed class EditorStateInstancesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Settings_and_user_files_written_on_one_instance_are_read_on_the_other()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var first = await GantryTestServer.StartAsync(StoreKind.Postgres);
        await using var second = await first.StartSecondInstanceAsync();
        using var user = await first.CreateUserAsync();
        using var onSecond = second.CreateClient(user.Key);

        // Read on the second instance first, so that a per-instance cache would now answer stale.
        using (var before = await onSecond.GetAsync("api/settings", Ct))
        {
            (await before.JsonOkAsync()).EnumerateObject().ShouldBeEmpty();
        }

        using (var before = await onSecond.GetAsync("api/userdata?dir=workflows&recurse=true&full_info=true", Ct))
        {
            (await before.JsonOkAsync()).GetArrayLength().ShouldBe(0);
        }

        using (var setting = await user.Client.PostBytesAsync("api/settings/Comfy.Minimap.Visible", "false"))
        {
            setting.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var saved = await user.Client.PostBytesAsync("api/userdata/workflows%2Fshared.json?full_info=true", """{"nodes": []}"""))
        {
            saved.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var setting = await onSecond.GetAsync("api/settings/Comfy.Minimap.Visible", Ct))
        {
            (await setting.JsonOkAsync()).GetBoolean().ShouldBeFalse();
        }

        using (var listed = await onSecond.GetAsync("api/userdata?dir=workflows&recurse=true&full_info=true", Ct))
        {
            (await listed.JsonOkAsync()).EnumerateArray().Select(f => f.GetProperty("path").GetString()).ShouldBe(["shared.json"]);
        }

        using (var moved = await onSecond.PostAsync("api/userdata/workflows%2Fshared.json/move/workflows%2Frenamed.json", null, Ct))
        {
            moved.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var read = await user.Client.GetAsync("api/userdata/workflows%2Frenamed.json", Ct);
        (await read.Content.ReadAsStringAsync(Ct)).ShouldBe("""{"nodes": []}""");
    }
}
