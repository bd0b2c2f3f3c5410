using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gantry.Tests.Webhooks;

/// <summary>
/// A webhook receiver on real Kestrel (127.0.0.1, a free port) that verifies each request's Standard Webhooks signature
/// with the endpoint's secret, answers as the test scripts it (a status, or hanging until the sender gives up), and
/// hands every verified delivery to the test in arrival order.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private readonly ConcurrentQueue<Func<HttpContext, Task<int>>> _script = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = string.Empty;

    /// <summary>The endpoint's secret (<c>whsec_…</c>), set once the endpoint is registered.</summary>
    public string? Secret { get; set; }

    public int Requests;

    /// <summary>What a request gets when nothing is scripted for it (200 unless a test refuses everything for a while).</summary>
    public int DefaultStatus { get; set; } = 200;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Urls.First() + "/hook";
        return receiver;
    }

    /// <summary>Answers the next request with <paramref name="status"/> (after that: <see cref="DefaultStatus"/>).</summary>
    public void ThenAnswer(int status) => _script.Enqueue(_ => Task.FromResult(status));

    /// <summary>The next request gets no answer until the sender gives up (its time-out).</summary>
    public void ThenHang() => _script.Enqueue(async context =>
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (context.RequestAborted.Register(() => aborted.TrySetResult()))
        {
            await aborted.Task;
        }

        return 200;
    });

    public async Task<Received> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Infrastructure.TestTimeouts.Default);
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref Requests);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var id = context.Request.Headers["webhook-id"].ToString();
        var timestamp = context.Request.Headers["webhook-timestamp"].ToString();
        var signature = context.Request.Headers["webhook-signature"].ToString();
        var status = _script.TryDequeue(out var step) ? await step(context) : DefaultStatus;
        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        context.Response.StatusCode = status;
        await context.Response.WriteAsync(status == 200 ? "ok" : new string('x', 5000), context.RequestAborted);
        _received.Writer.TryWrite(new Received(id, timestamp, signature, body, status, Verify(id, timestamp, body, signature)));
    }

    private bool Verify(string id, string timestamp, byte[] body, string signatureHeader)
    {
        if (Secret is null)
        {
            return false;
        }

        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, signed));
        return signatureHeader.Split(' ').Any(s => s == "v1," + expected);
    }

    public sealed record Received(string Id, string Timestamp, string Signature, byte[] Body, int AnsweredWith, bool SignatureValid)
    {
        public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;

        public string Type => Json.GetProperty("type").GetString()!;

        public string JobId => Json.GetProperty("data").GetProperty("id").GetString()!;
    }
}
