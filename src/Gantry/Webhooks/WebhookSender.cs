using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Gantry.Jobs;
using Gantry.Net;
using Microsoft.Extensions.Options;

namespace Gantry.Webhooks;

/// <summary>
/// Sends the outbox: claims due deliveries with a lease (so one instance sends each), posts them signed, and records
/// each attempt (delivered on 2xx; else retried on <see cref="WebhookOptions.RetryDelays"/> until
/// <see cref="WebhookOptions.RetryWindow"/> has passed). Connections go only to public addresses unless
/// <see cref="WebhookOptions.AllowPrivateAddresses"/>; redirects are not followed; each attempt has a time-out; at most
/// <see cref="MaxExcerptChars"/> characters of a response body are kept.
/// </summary>
internal sealed partial class WebhookSender : BackgroundService
{
    public const int MaxExcerptChars = 512;

    private readonly WebhookStore _store;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookSender> _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly JobSignals _signals;

    public WebhookSender(WebhookStore store, JobSignals signals, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
    {
        _store = store;
        _signals = signals;
        _options = options.Value;
        _time = time;
        _logger = logger;
        var handler = OutboundAddressPolicy.CreateHandler(_options.AllowPrivateAddresses, _options.Timeout);
        handler.AllowAutoRedirect = false;
        handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Something was queued: look now rather than at the next poll.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _signals.Changed += OnJobChanged;
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _signals.Changed -= OnJobChanged;
        return base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _http.Dispose();
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<WebhookDelivery> due;
            try
            {
                var now = _time.GetUtcNow();
                due = await _store.ClaimDueAsync(
                    now.ToUnixTimeMilliseconds(), (now + _options.Lease).ToUnixTimeMilliseconds(), _options.Concurrency, stoppingToken);
                if (due.Count > 0)
                {
                    await Task.WhenAll(due.Select(d => SendAndRecordAsync(d, stoppingToken)));
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogClaimFailed(_logger, ex);
            }

            await _wake.WaitAsync(_options.PollInterval, stoppingToken);
        }
    }

    /// <summary>A committed move that raises an event has its deliveries in the outbox already (same transaction): send them now.</summary>
    private void OnJobChanged(Domain.JobRecord job)
    {
        if (WebhookEvents.For(job.State) is not null)
        {
            Wake();
        }
    }

    private async Task SendAndRecordAsync(WebhookDelivery delivery, CancellationToken stoppingToken)
    {
        var endpoint = await _store.GetEndpointAsync(delivery.EndpointId, stoppingToken);
        if (endpoint is null)
        {
            return;
        }

        var attempt = await SendAsync(endpoint, delivery, stoppingToken);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var delays = _options.RetryDelays.Length == 0 ? WebhookOptions.DefaultRetryDelays : _options.RetryDelays;
        var delay = delays[Math.Min(delivery.Attempts, delays.Length - 1)];
        var next = now + (long)delay.TotalMilliseconds;
        var status = attempt.Succeeded ? DeliveryStatus.Delivered
            : next > delivery.CreatedAtMs + (long)_options.RetryWindow.TotalMilliseconds ? DeliveryStatus.Failed
            : DeliveryStatus.Pending;
        await _store.RecordAttemptAsync(delivery.Id, attempt, status, now, status == DeliveryStatus.Pending ? next : now, CancellationToken.None);
        if (!attempt.Succeeded)
        {
            LogAttemptFailed(_logger, delivery.Id, delivery.Attempts + 1, attempt.StatusCode, attempt.Error);
        }
    }

    private async Task<DeliveryAttempt> SendAsync(WebhookEndpoint endpoint, WebhookDelivery delivery, CancellationToken stoppingToken)
    {
        var messageId = delivery.Id.ToString("D");
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(delivery.Payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(endpoint.Secret, messageId, timestamp, delivery.Payload));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Gantry-Webhooks", "1"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var excerpt = await ReadExcerptAsync(response, timeout.Token);
            var code = (int)response.StatusCode;
            return new DeliveryAttempt(code is >= 200 and < 300, code, code is >= 200 and < 300 ? null : $"HTTP {code}", excerpt);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return new DeliveryAttempt(false, null, $"Timed out after {_options.Timeout.TotalSeconds:0.###} s", null);
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is OutboundAddressRefusedException refused ? refused.Message : "The connection failed: " + ex.HttpRequestError;
            return new DeliveryAttempt(false, null, reason, null);
        }
    }

    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxExcerptChars * 4];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await body.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        if (read == 0)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return text.Length <= MaxExcerptChars ? text : text[..MaxExcerptChars];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming webhook deliveries failed")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} attempt {Attempt} failed: {StatusCode} {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid deliveryId, int attempt, int? statusCode, string? error);
}
