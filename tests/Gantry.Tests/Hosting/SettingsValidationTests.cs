using Gantry.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Gantry.Tests.Hosting;

/// <summary>Each settings section is validated when the server starts: a bad value stops the start and names itself.</summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Gantry:Scheduler:DefaultWeight", "0", "DefaultWeight")]
    [InlineData("Gantry:Scheduler:MaxAttempts", "0", "MaxAttempts")]
    [InlineData("Gantry:Scheduler:Prefetch", "-1", "Prefetch")]
    [InlineData("Gantry:Scheduler:WorkerOfflineGrace", "00:00:00", "WorkerOfflineGrace")]
    [InlineData("Gantry:Scheduler:WorkerOfflineGrace", "1.00:00:00.001", "WorkerOfflineGrace")]
    [InlineData("Gantry:Workers:Embedded", "-1", "Embedded")]
    [InlineData("Gantry:Api:MaxRequestBodyBytes", "0", "MaxRequestBodyBytes")]
    [InlineData("Gantry:Limits:MaxQueuedPerUser", "-1", "MaxQueuedPerUser")]
    [InlineData("Gantry:Comfy:MaxUploadBytes", "0", "MaxUploadBytes")]
    [InlineData("Gantry:Comfy:SignedUrlLifetime", "00:00:00", "SignedUrlLifetime")]
    [InlineData("Gantry:Auth:KeyCacheDuration", "-00:00:01", "KeyCacheDuration")]
    [InlineData("Gantry:DataDirectory", " ", "DataDirectory")]
    public async Task A_bad_setting_stops_the_start(string key, string value, string named)
    {
        var failure = await Should.ThrowAsync<OptionsValidationException>(async () =>
        {
            await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { [key] = value });
        });
        failure.Message.ShouldContain(named);
    }

    [Fact]
    public async Task The_edge_values_are_accepted()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string>
        {
            ["Gantry:Scheduler:Prefetch"] = "0",
            ["Gantry:Scheduler:MaxRunningPerUser"] = "0",
            ["Gantry:Limits:MaxQueuedPerUser"] = "0",
            ["Gantry:Auth:KeyCacheDuration"] = "00:00:00",
            ["Gantry:Scheduler:MaxAttempts"] = "1",
            ["Gantry:Scheduler:WorkerOfflineGrace"] = "1.00:00:00",
        });
        (await server.CreateClient(server.AdminKey).GetAsync("api/jobs", TestContext.Current.CancellationToken)).IsSuccessStatusCode.ShouldBeTrue();
    }
}
