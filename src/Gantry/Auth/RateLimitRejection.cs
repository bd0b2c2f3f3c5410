using System.Globalization;
using System.Threading.RateLimiting;
using Gantry.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace Gantry.Auth;

/// <summary>The one 429 answer of every rate-limiter policy: Retry-After in whole seconds and the usual error body.</summary>
internal static class RateLimitRejection
{
    /// <param name="rejected">The limiter's rejection.</param>
    /// <param name="fallback">The wait to advertise when the lease does not say.</param>
    /// <param name="what">What was too frequent, e.g. "requests with this API key".</param>
    public static async ValueTask WriteAsync(OnRejectedContext rejected, TimeSpan fallback, string what)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : fallback;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await HttpErrors.WriteAsync(
            rejected.HttpContext, StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyRequests,
            $"Too many {what}; retry in {seconds} s.");
    }
}
