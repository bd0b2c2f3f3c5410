using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Gantry.Auth.Sessions;

/// <summary>
/// The rate-limiter policy of the sign-in endpoint: a token bucket per client address of
/// <see cref="SessionOptions.SignInAttemptsPerMinute"/> attempts, refilled evenly over the minute, so guessing keys
/// through it is bounded (the per-key limit cannot apply: a wrong key has no bucket). Over it: 429 with Retry-After.
/// </summary>
public sealed class SignInRateLimit(IOptions<SessionOptions> options) : IRateLimiterPolicy<string>
{
    public const string PolicyName = "gantry-sign-in";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = RejectAsync;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var perMinute = options.Value.SignInAttemptsPerMinute;
        if (perMinute <= 0)
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        var address = httpContext.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
        return RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / perMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken) =>
        RateLimitRejection.WriteAsync(rejected, TimeSpan.FromMinutes(1), "sign-in attempts from this address");
}
