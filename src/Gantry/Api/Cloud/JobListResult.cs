using System.Reflection;
using Gantry.Api.Cloud.Contracts;
using Gantry.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Gantry.Api.Cloud;

/// <summary>
/// A <c>JobsListResponse</c> already written as JSON (by <see cref="JobListAnswer"/>) into a pooled buffer: sent with its
/// length, then the buffer goes back to the pool. The endpoint's metadata still names <see cref="JobsListResponse"/>.
/// </summary>
public sealed class JobListResult(PooledByteBuffer body) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        using (body)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.WrittenMemory.Length;
            await response.Body.WriteAsync(body.WrittenMemory, httpContext.RequestAborted);
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(JobsListResponse), ["application/json"]));
    }
}
