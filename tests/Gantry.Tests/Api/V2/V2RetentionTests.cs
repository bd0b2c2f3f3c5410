using System.Globalization;
using System.Net;
using Gantry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Gantry.Tests.Api.V2;

/// <summary>
/// <c>expires_at</c> and <c>expired</c> follow <c>Gantry:V2:JobRetention</c> (on a fake clock): the deadline is creation
/// plus the setting; past it a finished job is gone from every v2 job route (404 ErrorEnvelope) while v1 still shows it,
/// and a job still waiting shows <c>expired</c>. Every body is checked against openapi-v2.yaml.
/// </summary>
public sealed class V2RetentionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Expires_at_follows_the_retention_setting_and_past_it_a_finished_job_is_gone_and_a_waiting_one_expired(StoreKind kind)
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GantryTestServer.StartAsync(
            kind,
            new Dictionary<string, string> { ["Gantry:V2:JobRetention"] = "01:00:00" },
            builder => builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        using var user = await server.CreateUserAsync();

        var waiting = await V2Requests.SubmitOkAsync(user.Client);
        var finished = await V2Requests.SubmitOkAsync(user.Client);
        (await V2Requests.CancelAsync(user.Client, finished)).Body.GetProperty("status").GetString().ShouldBe("canceled");
        var job = await V2Requests.GetJobOkAsync(user.Client, waiting);
        (Time(job, "expires_at") - Time(job, "created_at")).ShouldBe(TimeSpan.FromHours(1));
        job.GetProperty("status").GetString().ShouldBe("queued");

        clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        (await V2Requests.GetJobOkAsync(user.Client, finished)).GetProperty("status").GetString().ShouldBe("canceled");

        clock.Advance(TimeSpan.FromSeconds(2));
        (await V2Requests.GetJobOkAsync(user.Client, waiting)).GetProperty("status").GetString().ShouldBe("expired");
        foreach (var (path, spec, post) in new[]
        {
            ($"api/v2/jobs/{finished:D}", "/api/v2/jobs/{id}", false),
            ($"api/v2/jobs/{finished:D}/workflow", "/api/v2/jobs/{id}/workflow", false),
            ($"api/v2/jobs/{finished:D}/cancel", "/api/v2/jobs/{id}/cancel", true),
        })
        {
            var (status, error) = post ? await V2Requests.PostAsync(user.Client, path, spec) : await V2Requests.GetAsync(user.Client, path, spec);
            status.ShouldBe(HttpStatusCode.NotFound, path);
            error.GetProperty("error").GetProperty("code").GetString().ShouldBe("not_found");
        }

        // The retention is v2's: v1 still shows the job.
        using var v1 = await user.Client.GetAsync($"api/jobs/{finished:D}", Ct);
        (await v1.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString().ShouldBe("cancelled");
    }

    private static DateTimeOffset Time(System.Text.Json.JsonElement job, string name)
        => DateTimeOffset.Parse(job.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);
}
