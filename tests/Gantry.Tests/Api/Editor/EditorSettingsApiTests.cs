using System.Net;
using System.Text.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Editor;

/// <summary><c>/api/settings</c> and <c>/api/settings/{id}</c>: per-user, merged, any JSON value kept as sent. Both stores.</summary>
public abstract class EditorSettingsApiTests(IServerFixture fixture) : ServerTestBase(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Settings_merge_and_read_back_whole_and_one_by_one()
    {
        using var user = await Server.CreateUserAsync();
        var client = user.Client;
        using (var empty = await client.GetAsync("api/settings", Ct))
        {
            (await empty.JsonOkAsync()).EnumerateObject().ShouldBeEmpty();
        }

        using (var merged = await client.PostBytesAsync("api/settings", """{"Comfy.A": 1, "Comfy.B": {"x": [1, "é"]}}"""))
        {
            merged.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var one = await client.PostBytesAsync("api/settings/Comfy.C", "\"dark\""))
        {
            one.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var again = await client.PostBytesAsync("settings", """{"Comfy.A": 2}"""))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var all = await client.GetAsync("api/settings", Ct))
        {
            var body = await all.JsonOkAsync();
            body.GetProperty("Comfy.A").GetInt32().ShouldBe(2);
            body.GetProperty("Comfy.B").GetProperty("x")[1].GetString().ShouldBe("é");
            body.GetProperty("Comfy.C").GetString().ShouldBe("dark");
        }

        using (var single = await client.GetAsync("api/settings/Comfy.B", Ct))
        {
            (await single.JsonOkAsync()).GetProperty("x")[0].GetInt32().ShouldBe(1);
        }

        using var unset = await client.GetAsync("api/settings/Comfy.Unset", Ct);
        (await unset.JsonOkAsync()).ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Another_user_has_settings_of_their_own()
    {
        using var alice = await Server.CreateUserAsync();
        using var bob = await Server.CreateUserAsync();
        using (await alice.Client.PostBytesAsync("api/settings/Comfy.ColorPalette", "\"light\""))
        {
        }

        using var bobs = await bob.Client.GetAsync("api/settings", Ct);
        (await bobs.JsonOkAsync()).EnumerateObject().ShouldBeEmpty();
        using var bobsOne = await bob.Client.GetAsync("api/settings/Comfy.ColorPalette", Ct);
        (await bobsOne.JsonOkAsync()).ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("api/settings", "[1, 2]", "invalid_request")]
    [InlineData("api/settings", "{\"a\": ", "invalid_json")]
    [InlineData("api/settings", "", "invalid_request")]
    [InlineData("api/settings", "{\"bad\\ud800\": 1}", "invalid_json")]
    [InlineData("api/settings", "{\"\": 1}", "invalid_parameter")]
    [InlineData("api/settings/Comfy.X", "nope", "invalid_json")]
    [InlineData("api/settings/%01", "1", "invalid_parameter")]
    public async Task Bodies_and_ids_that_are_not_settings_are_refused(string path, string body, string code)
    {
        using var user = await Server.CreateUserAsync();
        using var response = await user.Client.PostBytesAsync(path, body);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, code);
        using var all = await user.Client.GetAsync("api/settings", Ct);
        (await all.JsonOkAsync()).EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_setting_id_is_bounded()
    {
        using var user = await Server.CreateUserAsync();
        var longest = new string('s', 256);
        using (var fits = await user.Client.PostBytesAsync($"api/settings/{longest}", "1"))
        {
            fits.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var over = await user.Client.PostBytesAsync($"api/settings/{longest}s", "1");
        await over.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_parameter");
    }
}

public sealed class EditorSettingsApiSqliteTests(SqliteServerFixture fixture) : EditorSettingsApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class EditorSettingsApiPostgresTests(PostgresServerFixture fixture) : EditorSettingsApiTests(fixture), IClassFixture<PostgresServerFixture>;
