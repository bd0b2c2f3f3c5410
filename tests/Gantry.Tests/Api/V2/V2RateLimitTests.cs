using System.Net;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.V2;

/// <summary>The per-key rate limit answers v2 routes with the spec's <c>RateLimited</c> response: 429, Retry-After, <c>rate_limited</c> in an ErrorEnvelope.</summary>
public sealed class V2RateLimitTests
{
    [Fact]
    public async Task A_key_over_its_rate_on_a_v2_route_gets_the_ErrorEnvelope_rate_limited()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string>
        {
            ["Gantry:Security:RequestsPerSecondPerKey"] = "1",
            ["Gantry:Security:RequestBurstPerKey"] = "2",
        });
        using var user = await server.CreateUserAsync();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 50 && refused is null; i++)
        {
            var response = await user.Client.GetAsync($"api/v2/jobs/{Guid.NewGuid():D}", TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
                response.Dispose();
            }
        }

        using (refused.ShouldNotBeNull())
        {
            refused.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().TotalSeconds.ShouldBeGreaterThanOrEqualTo(1);
            var envelope = await V2Requests.Conformant(refused, "/api/v2/jobs/{id}", "get");
            envelope.GetProperty("error").GetProperty("code").GetString().ShouldBe("rate_limited");
        }
    }
}
