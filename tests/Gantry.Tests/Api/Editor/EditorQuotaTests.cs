using System.Net;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Editor;

/// <summary>The per-user bounds of the editor's state, on a server with small ones, and its survival of a restart. Both stores.</summary>
public sealed class EditorQuotaTests
{
    private static readonly Dictionary<string, string> SmallLimits = new()
    {
        ["Gantry:Editor:MaxFilesPerUser"] = "3",
        ["Gantry:Editor:MaxBytesPerUser"] = "100",
        ["Gantry:Editor:MaxSettingsPerUser"] = "2",
        ["Gantry:Editor:MaxSettingsBytes"] = "50",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Files_and_settings_over_the_users_quota_are_refused_whole(StoreKind kind)
    {
        SkipWithoutPostgres(kind);
        await using var server = await GantryTestServer.StartAsync(kind, SmallLimits);
        using var user = await server.CreateUserAsync();
        for (var i = 0; i < 3; i++)
        {
            using var saved = await user.Client.PostBytesAsync($"api/userdata/f{i}.json", "12345");
            saved.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var fourth = await user.Client.PostBytesAsync("api/userdata/f3.json", "1"))
        {
            await fourth.ShouldBeTextErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        }

        using (var replaced = await user.Client.PostBytesAsync("api/userdata/f0.json", new string('x', 90)))
        {
            replaced.StatusCode.ShouldBe(HttpStatusCode.OK); // 90 + 5 + 5 bytes: at the limit
        }

        using (var grown = await user.Client.PostBytesAsync("api/userdata/f1.json", "123456"))
        {
            await grown.ShouldBeTextErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        }

        using (var two = await user.Client.PostBytesAsync("api/settings", """{"a": 1, "b": 2}"""))
        {
            two.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var third = await user.Client.PostBytesAsync("api/settings", """{"a": 3, "c": 3}"""))
        {
            await third.ShouldBeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        }

        using var all = await user.Client.GetAsync("api/settings", Ct);
        (await all.JsonOkAsync()).GetProperty("a").GetInt32().ShouldBe(1);

        using var other = await server.CreateUserAsync();
        using var theirs = await other.Client.PostBytesAsync("api/userdata/f0.json", "1");
        theirs.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Files_and_settings_survive_a_restart(StoreKind kind)
    {
        SkipWithoutPostgres(kind);
        var server = await GantryTestServer.StartAsync(kind);
        try
        {
            using (var user = await server.CreateUserAsync("restart-user"))
            using (await user.Client.PostBytesAsync("api/userdata/workflows%2Fkept.json", "{\"k\":1}"))
            using (await user.Client.PostBytesAsync("api/settings/Comfy.Kept", "true"))
            {
            }

            server = await server.RestartAsync();
            var key = await NewKeyAsync(server, "restart-user");
            using var client = server.CreateClient(key);
            using var file = await client.SendAsync(HttpMethod.Get, "api/userdata/workflows%2Fkept.json");
            (await file.Content.ReadAsStringAsync(Ct)).ShouldBe("{\"k\":1}");
            using var setting = await client.GetAsync("api/settings/Comfy.Kept", Ct);
            (await setting.JsonOkAsync()).GetBoolean().ShouldBeTrue();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<string> NewKeyAsync(GantryTestServer server, string userName)
    {
        var user = await server.Store.FindUserByNameAsync(userName, Ct) ?? throw new InvalidOperationException("The user is gone.");
        var key = Gantry.Auth.ApiKeys.Generate();
        await server.Store.CreateApiKeyAsync(user.Id, Gantry.Auth.ApiKeys.Hash(key), Gantry.Auth.ApiKeys.DisplayPrefix(key), null, Ct);
        return key;
    }

    private static void SkipWithoutPostgres(StoreKind kind)
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }
    }
}
