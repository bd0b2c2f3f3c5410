using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Gantry.Auth;

/// <summary>
/// The per-key request rate limit (ASP.NET Core's rate limiter): a token bucket per API key of
/// <see cref="SecurityOptions.RequestBurstPerKey"/> requests, refilled at <see cref="SecurityOptions.RequestsPerSecondPerKey"/>.
/// Over it: 429 <c>{code, message}</c> with Retry-After. Requests without a valid key (refused anyway) and the no-auth
/// local caller are not limited here.
/// </summary>
public static class KeyRateLimit
{
    /// <summary>Sets the global limiter and the rejection answer from <paramref name="security"/>.</summary>
    public static void Configure(RateLimiterOptions options, SecurityOptions security)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(security);
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = OnRejectedAsync;
        if (security.RequestsPerSecondPerKey <= 0)
        {
            return;
        }

        var bucket = Bucket(security.RequestsPerSecondPerKey, security.RequestBurstPerKey);
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, long>(context =>
            context.Features.Get<Caller>() is { KeyId: { } keyId }
                ? RateLimitPartition.GetTokenBucketLimiter(keyId, _ => bucket)
                : RateLimitPartition.GetNoLimiter(-1L));
    }

    /// <summary>The bucket: refilled every 100 ms (or once per token below 10 per second), never queueing a request.</summary>
    public static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        var (period, tokens) = perSecond >= 10
            ? (TimeSpan.FromMilliseconds(100), perSecond / 10)
            : (TimeSpan.FromSeconds(1.0 / perSecond), 1);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    private static ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken) =>
        RateLimitRejection.WriteAsync(rejected, TimeSpan.FromSeconds(1), "requests with this API key");
}
