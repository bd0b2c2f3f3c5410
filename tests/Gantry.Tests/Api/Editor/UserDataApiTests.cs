using System.Net;
using System.Text;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Editor;

/// <summary>
/// <c>/api/userdata…</c> as the editor uses it (ComfyUI's semantics), per user, and what an attacker may try on it.
/// Runs on both stores.
/// </summary>
public abstract class UserDataApiTests(IServerFixture fixture) : ServerTestBase(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_saved_workflow_is_listed_read_back_and_deleted()
    {
        using var user = await Server.CreateUserAsync();
        var client = user.Client;
        using (var saved = await client.PostBytesAsync("api/userdata/workflows%2Fmy%20flow.json?overwrite=true", """{"nodes":[]}"""))
        {
            (await saved.JsonOkAsync()).GetString().ShouldBe("workflows/my flow.json");
        }

        using (var info = await client.PostBytesAsync("api/userdata/workflows%2Fsub%2Fdeep.json?full_info=true", "{}"))
        {
            var body = await info.JsonOkAsync();
            body.GetProperty("path").GetString().ShouldBe("workflows/sub/deep.json");
            body.GetProperty("size").GetInt64().ShouldBe(2);
            body.GetProperty("modified").GetDouble().ShouldBeGreaterThan(1_600_000_000);
        }

        using (var read = await client.SendAsync(HttpMethod.Get, "api/userdata/workflows%2Fmy%20flow.json"))
        {
            (await read.Content.ReadAsStringAsync(Ct)).ShouldBe("""{"nodes":[]}""");
        }

        using (var full = await client.GetAsync("api/userdata?dir=workflows&recurse=true&split=false&full_info=true", Ct))
        {
            var files = (await full.JsonOkAsync()).EnumerateArray().ToList();
            files.Select(f => f.GetProperty("path").GetString()).ShouldBe(["my flow.json", "sub/deep.json"]);
            files[0].GetProperty("size").GetInt64().ShouldBe(12);
        }

        using (var flat = await client.GetAsync("api/userdata?dir=workflows/", Ct))
        {
            (await flat.JsonOkAsync()).EnumerateArray().Select(f => f.GetString()).ShouldBe(["my flow.json"]);
        }

        using (var split = await client.GetAsync("userdata?dir=workflows&recurse=true&split=true", Ct))
        {
            var rows = (await split.JsonOkAsync()).EnumerateArray().Select(r => r.EnumerateArray().Select(s => s.GetString()).ToArray()).ToList();
            rows[1].ShouldBe(["sub/deep.json", "sub", "deep.json"]);
        }

        using (var deleted = await client.SendAsync(HttpMethod.Delete, "api/userdata/workflows%2Fmy%20flow.json"))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        using var gone = await client.SendAsync(HttpMethod.Get, "api/userdata/workflows%2Fmy%20flow.json");
        await gone.ShouldBeTextErrorAsync(HttpStatusCode.NotFound);
        using var again = await client.SendAsync(HttpMethod.Delete, "api/userdata/workflows%2Fmy%20flow.json");
        await again.ShouldBeTextErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_empty_or_missing_folder_lists_as_empty_and_dir_is_required()
    {
        using var user = await Server.CreateUserAsync();
        using (var empty = await user.Client.GetAsync("api/userdata?dir=workflows&recurse=true&split=false&full_info=true", Ct))
        {
            (await empty.JsonOkAsync()).GetArrayLength().ShouldBe(0);
        }

        using var missing = await user.Client.GetAsync("api/userdata", Ct);
        await missing.ShouldBeTextErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Overwrite_false_keeps_the_existing_file()
    {
        using var user = await Server.CreateUserAsync();
        using (await user.Client.PostBytesAsync("api/userdata/keep.json", "1"))
        {
        }

        using var refused = await user.Client.PostBytesAsync("api/userdata/keep.json?overwrite=false", "2");
        await refused.ShouldBeTextErrorAsync(HttpStatusCode.Conflict);
        using var read = await user.Client.SendAsync(HttpMethod.Get, "api/userdata/keep.json");
        (await read.Content.ReadAsStringAsync(Ct)).ShouldBe("1");
        using var replaced = await user.Client.PostBytesAsync("api/userdata/keep.json", "3");
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_move_renames_and_respects_overwrite()
    {
        using var user = await Server.CreateUserAsync();
        var client = user.Client;
        using (await client.PostBytesAsync("api/userdata/workflows%2Fa.json", "A"))
        using (await client.PostBytesAsync("api/userdata/workflows%2Fb.json", "B"))
        {
        }

        using (var blocked = await client.SendAsync(HttpMethod.Post, "api/userdata/workflows%2Fa.json/move/workflows%2Fb.json?overwrite=false"))
        {
            await blocked.ShouldBeTextErrorAsync(HttpStatusCode.Conflict);
        }

        using (var moved = await client.SendAsync(HttpMethod.Post, "api/userdata/workflows%2Fa.json/move/workflows%2Fnew%2Fc.json?full_info=true"))
        {
            var body = await moved.JsonOkAsync();
            body.GetProperty("path").GetString().ShouldBe("workflows/new/c.json");
            body.GetProperty("size").GetInt64().ShouldBe(1);
        }

        using (var list = await client.GetAsync("api/userdata?dir=workflows&recurse=true", Ct))
        {
            (await list.JsonOkAsync()).EnumerateArray().Select(f => f.GetString()).ShouldBe(["b.json", "new/c.json"]);
        }

        using (var replaced = await client.SendAsync(HttpMethod.Post, "userdata/workflows%2Fnew%2Fc.json/move/workflows%2Fb.json"))
        {
            (await replaced.JsonOkAsync()).GetString().ShouldBe("workflows/b.json");
        }

        using (var read = await client.SendAsync(HttpMethod.Get, "api/userdata/workflows%2Fb.json"))
        {
            (await read.Content.ReadAsStringAsync(Ct)).ShouldBe("A");
        }

        using var missing = await client.SendAsync(HttpMethod.Post, "api/userdata/nothing.json/move/other.json");
        await missing.ShouldBeTextErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_user_sees_nothing_of_a_users_files()
    {
        using var alice = await Server.CreateUserAsync();
        using var bob = await Server.CreateUserAsync();
        using (await alice.Client.PostBytesAsync("api/userdata/workflows%2Fsecret.json", "s"))
        {
        }

        using (var list = await bob.Client.GetAsync("api/userdata?dir=workflows&recurse=true&full_info=true", Ct))
        {
            (await list.JsonOkAsync()).GetArrayLength().ShouldBe(0);
        }

        using (var read = await bob.Client.SendAsync(HttpMethod.Get, "api/userdata/workflows%2Fsecret.json"))
        {
            await read.ShouldBeTextErrorAsync(HttpStatusCode.NotFound);
        }

        using (var delete = await bob.Client.SendAsync(HttpMethod.Delete, "api/userdata/workflows%2Fsecret.json"))
        {
            await delete.ShouldBeTextErrorAsync(HttpStatusCode.NotFound);
        }

        using (var move = await bob.Client.SendAsync(HttpMethod.Post, "api/userdata/workflows%2Fsecret.json/move/mine.json"))
        {
            await move.ShouldBeTextErrorAsync(HttpStatusCode.NotFound);
        }

        using var still = await alice.Client.SendAsync(HttpMethod.Get, "api/userdata/workflows%2Fsecret.json");
        (await still.Content.ReadAsStringAsync(Ct)).ShouldBe("s");
    }

    [Theory]
    [InlineData("..%2F..%2Fgantry.db", HttpStatusCode.Forbidden)]
    [InlineData("workflows%2F..%2F..%2Fx", HttpStatusCode.Forbidden)]
    [InlineData("%2Fetc%2Fpasswd", HttpStatusCode.Forbidden)]
    [InlineData("a%0Ab.json", HttpStatusCode.BadRequest)]
    [InlineData("a%5C..%5Cb.json", HttpStatusCode.BadRequest)]
    [InlineData("%ED%A0%80.json", HttpStatusCode.BadRequest)]
    [InlineData("%ED%B0%80x.json", HttpStatusCode.BadRequest)]
    [InlineData("%FF%FE.json", HttpStatusCode.BadRequest)]
    [InlineData("%2F%2F", HttpStatusCode.Forbidden)]
    public async Task Paths_that_leave_the_users_folder_or_are_not_names_are_refused(string rawFile, HttpStatusCode postStatus)
    {
        using var user = await Server.CreateUserAsync();
        using var post = await user.Client.PostBytesAsync($"api/userdata/{rawFile}", "x");
        await post.ShouldBeTextErrorAsync(postStatus);
        using var get = await user.Client.SendAsync(HttpMethod.Get, $"api/userdata/{rawFile}");
        await get.ShouldBeTextErrorAsync(postStatus == HttpStatusCode.Forbidden ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest);
        using var list = await user.Client.GetAsync("api/userdata?dir=&recurse=true", Ct);
        (await list.Content.ReadAsStringAsync(Ct)).ShouldNotContain("x", Case.Sensitive);
        using var root = await user.Client.GetAsync("api/userdata?dir=.&recurse=true", Ct);
        (await root.JsonOkAsync()).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_nul_in_a_name_is_refused_and_nothing_is_written()
    {
        using var user = await Server.CreateUserAsync();
        using var post = await user.Client.PostBytesAsync("api/userdata/a%00b.json", "x");
        post.StatusCode.ShouldBe(HttpStatusCode.BadRequest); // Kestrel refuses it before any route
        using var list = await user.Client.GetAsync("api/userdata?dir=.&recurse=true", Ct);
        (await list.JsonOkAsync()).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Names_are_bounded_in_bytes_per_segment_and_in_all()
    {
        using var user = await Server.CreateUserAsync();
        var longest = new string('é', 127) + "a"; // 255 UTF-8 bytes
        using (var fits = await user.Client.PostBytesAsync($"api/userdata/{Uri.EscapeDataString(longest)}?full_info=true", "1"))
        {
            (await fits.JsonOkAsync()).GetProperty("path").GetString().ShouldBe(longest);
        }

        using (var over = await user.Client.PostBytesAsync($"api/userdata/{Uri.EscapeDataString(longest + "b")}", "1"))
        {
            await over.ShouldBeTextErrorAsync(HttpStatusCode.BadRequest);
        }

        var deep = string.Join("%2F", Enumerable.Repeat(new string('d', 200), 6)); // 1205 bytes
        using var tooLong = await user.Client.PostBytesAsync($"api/userdata/{deep}", "1");
        await tooLong.ShouldBeTextErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_encoded_percent_is_part_of_the_name_not_a_folder()
    {
        using var user = await Server.CreateUserAsync();
        using (var saved = await user.Client.PostBytesAsync("api/userdata/a%252Fb.json", "1"))
        {
            (await saved.JsonOkAsync()).GetString().ShouldBe("a%2Fb.json");
        }

        using var list = await user.Client.GetAsync("api/userdata?dir=.&recurse=false", Ct);
        (await list.JsonOkAsync()).EnumerateArray().Select(f => f.GetString()).ShouldBe(["a%2Fb.json"]);
    }

    [Fact]
    public async Task A_file_and_a_folder_cannot_share_a_name()
    {
        using var user = await Server.CreateUserAsync();
        using (await user.Client.PostBytesAsync("api/userdata/thing", "1"))
        {
        }

        using (var under = await user.Client.PostBytesAsync("api/userdata/thing%2Finside.json", "1"))
        {
            await under.ShouldBeTextErrorAsync(HttpStatusCode.Conflict);
        }

        using (await user.Client.PostBytesAsync("api/userdata/folder%2Fx.json", "1"))
        {
        }

        using var over = await user.Client.PostBytesAsync("api/userdata/folder", "1");
        await over.ShouldBeTextErrorAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_file_one_byte_over_the_limit_is_refused_and_nothing_is_written()
    {
        using var user = await Server.CreateUserAsync();
        var limit = 16 * 1024 * 1024;
        using (var over = await user.Client.SendAsync(HttpMethod.Post, "api/userdata/huge.json", new byte[limit + 1]))
        {
            await over.ShouldBeTextErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        }

        using (var absent = await user.Client.SendAsync(HttpMethod.Get, "api/userdata/huge.json"))
        {
            await absent.ShouldBeTextErrorAsync(HttpStatusCode.NotFound);
        }

        using var fits = await user.Client.SendAsync(HttpMethod.Post, "api/userdata/huge.json", new byte[limit]);
        fits.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Users_says_server_storage_without_a_user_list_and_user_says_active()
    {
        using var user = await Server.CreateUserAsync();
        using (var users = await user.Client.GetAsync("api/users", Ct))
        {
            var body = await users.JsonOkAsync();
            body.GetProperty("storage").GetString().ShouldBe("server");
            body.TryGetProperty("users", out _).ShouldBeFalse();
        }

        using (var me = await user.Client.GetAsync("api/user", Ct))
        {
            (await me.JsonOkAsync()).GetProperty("status").GetString().ShouldBe("active");
        }

        using var anonymous = Server.CreateClient(null);
        using var refused = await anonymous.GetAsync("api/user", Ct);
        await refused.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Unauthenticated_requests_are_refused()
    {
        using var anonymous = Server.CreateClient(null);
        using var list = await anonymous.GetAsync("api/userdata?dir=workflows", Ct);
        await list.ShouldBeTextErrorAsync(HttpStatusCode.Unauthorized);
        using var write = await anonymous.PostAsync("api/userdata/x.json", new StringContent("1", Encoding.UTF8), Ct);
        await write.ShouldBeTextErrorAsync(HttpStatusCode.Unauthorized);
        using var settings = await anonymous.GetAsync("api/settings", Ct);
        settings.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}

public sealed class UserDataApiSqliteTests(SqliteServerFixture fixture) : UserDataApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class UserDataApiPostgresTests(PostgresServerFixture fixture) : UserDataApiTests(fixture), IClassFixture<PostgresServerFixture>;
