using System.Net;
using Gantry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gantry.Tests.Assets;

/// <summary>
/// A small HTTP server on 127.0.0.1 standing in for a model host: <c>/files/model.safetensors</c> (the bytes, with a
/// Content-Disposition name), <c>/redirect</c> to it, <c>/secret</c> (401), <c>/missing</c> (404), <c>/huge</c>
/// (declares more bytes than any test bound).
/// </summary>
internal sealed class RemoteFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RemoteFileServer(WebApplication app, byte[] content)
    {
        _app = app;
        Content = content;
        BaseAddress = GantryApp.ListeningAddress(app);
    }

    public Uri BaseAddress { get; }

    public byte[] Content { get; }

    public static async Task<RemoteFileServer> StartAsync(byte[] content)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapMethods("/files/model.safetensors", [HttpMethods.Get, HttpMethods.Head], async context =>
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers.ContentDisposition = "attachment; filename=\"real-name.safetensors\"";
            context.Response.ContentLength = content.Length;
            if (HttpMethods.IsGet(context.Request.Method))
            {
                await context.Response.Body.WriteAsync(content);
            }
        });
        app.MapGet("/redirect", context =>
        {
            context.Response.Redirect("/files/model.safetensors");
            return Task.CompletedTask;
        });
        app.MapGet("/secret", context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        });
        app.MapGet("/huge", async context =>
        {
            context.Response.ContentLength = 1L << 40;
            await context.Response.Body.WriteAsync(new byte[1024]);
            await context.Response.Body.FlushAsync();

            // Hold the connection until the client gives up on it (it must, from the declared length alone).
            var closed = new TaskCompletionSource();
            await using (context.RequestAborted.Register(closed.SetResult))
            {
                await closed.Task;
            }
        });
        await app.StartAsync();
        return new RemoteFileServer(app, content);
    }

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
