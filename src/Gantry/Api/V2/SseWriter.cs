using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Gantry.Api.V2;

/// <summary>Writes a <c>text/event-stream</c> response: unbuffered, uncached, each event flushed as it is written.</summary>
public sealed class SseWriter(HttpContext context)
{
    public async Task StartAsync()
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers.ContentEncoding = "identity";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>One event: <c>event: name</c>, then the JSON on one <c>data:</c> line (JSON written compactly has no newlines).</summary>
    public async Task EventAsync(string name, byte[] json, CancellationToken cancellationToken)
    {
        var body = context.Response.Body;
        await body.WriteAsync(Encoding.UTF8.GetBytes($"event: {name}\ndata: "), cancellationToken);
        await body.WriteAsync(json, cancellationToken);
        await body.WriteAsync("\n\n"u8.ToArray(), cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    /// <summary>A comment line: proxies and clients see traffic, the event parser ignores it.</summary>
    public async Task CommentAsync(string text, CancellationToken cancellationToken)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($": {text}\n\n"), cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
