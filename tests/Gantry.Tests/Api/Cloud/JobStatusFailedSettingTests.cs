using System.Net;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Cloud;

/// <summary>
/// <c>Gantry:Api:JobStatusFailed</c>: for clients that stop polling only on <c>completed</c> or <c>failed</c>,
/// <c>/api/job/{id}/status</c> says <c>failed</c> for failed and cancelled jobs; the other endpoints keep their words.
/// </summary>
public sealed class JobStatusFailedSettingTests
{
    [Theory]
    [InlineData(JobState.Failed, "failed", "failed")]
    [InlineData(JobState.Cancelled, "failed", "cancelled")]
    [InlineData(JobState.Succeeded, "completed", "completed")]
    [InlineData(JobState.Running, "in_progress", "in_progress")]
    public async Task With_the_setting_a_job_that_ended_without_success_reads_failed(JobState state, string statusWord, string listWord)
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Api:JobStatusFailed"] = "true" });
        using var user = await server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client);
        await JobDriver.MoveAsync(server.Store, id, state);

        using var statusResponse = await user.Client.GetAsync($"api/job/{id}/status", TestContext.Current.CancellationToken);
        (await statusResponse.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString().ShouldBe(statusWord);

        using var detailResponse = await user.Client.GetAsync($"api/jobs/{id}", TestContext.Current.CancellationToken);
        (await detailResponse.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString().ShouldBe(listWord);
    }
}
