using System.Net;
using System.Net.Http.Headers;
using Gantry.Net;
using Microsoft.Extensions.Options;

namespace Gantry.Assets;

/// <summary>
/// Fetches content and metadata from http(s) URLs for the asset routes, within the bounds of <see cref="AssetOptions"/>:
/// only addresses <see cref="OutboundAddressPolicy"/> allows (checked at connect time, also after redirects), a connect
/// time-out and a whole-transfer time-out, at most <see cref="AssetOptions.MaxDownloadBytes"/> (refused from the
/// <c>Content-Length</c> before reading, or cut off when the body grows past it). Every failure is a
/// <see cref="RemoteFetchException"/> saying what went wrong, without the remote's body.
/// </summary>
public sealed class RemoteAssetFetcher : IDisposable
{
    private readonly HttpClient _client;
    private readonly AssetOptions _options;
    private readonly IAssetStore _assets;

    public RemoteAssetFetcher(IOptions<AssetOptions> options, IAssetStore assets)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _assets = assets;
        _client = new HttpClient(OutboundAddressPolicy.CreateHandler(_options.AllowPrivateAddresses, _options.DownloadConnectTimeout))
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Gantry", "1"));
    }

    /// <summary>The URL as an absolute http(s) URI, or null.</summary>
    public static Uri? ParseUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.UserInfo) && text!.Length <= 8192
            ? uri
            : null;

    /// <summary>Downloads the URL into the content store.</summary>
    public async Task<RemoteContent> DownloadAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DownloadTimeout);
        try
        {
            using var response = await SendAsync(HttpMethod.Get, url, timeout.Token);
            var length = response.Content.Headers.ContentLength;
            if (length > _options.MaxDownloadBytes)
            {
                throw TooLarge();
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            AssetBlob blob;
            try
            {
                blob = await _assets.IngestAsync(body, _options.MaxDownloadBytes, timeout.Token);
            }
            catch (AssetTooLargeException)
            {
                throw TooLarge();
            }

            return new RemoteContent(blob, FileNameOf(response, url), MediaTypeOf(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemoteFetchException(RemoteFetchFailure.Network, $"The download from {url.Host} took longer than {_options.DownloadTimeout}.");
        }
        catch (HttpIOException ex)
        {
            throw new RemoteFetchException(RemoteFetchFailure.Network, $"The download from {url.Host} broke off: {ex.Message}");
        }
    }

    /// <summary>What the server says about the URL's content (a HEAD request), without downloading it.</summary>
    public async Task<RemoteInfo> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DownloadConnectTimeout * 3);
        try
        {
            using var response = await SendAsync(HttpMethod.Head, url, timeout.Token);
            return new RemoteInfo(response.Content.Headers.ContentLength ?? -1, MediaTypeOf(response), FileNameOf(response, url));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemoteFetchException(RemoteFetchFailure.Network, $"{url.Host} did not answer in time.");
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, url);
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.InnerException is OutboundAddressRefusedException refused)
        {
            throw new RemoteFetchException(RemoteFetchFailure.AddressRefused, refused.Message);
        }
        catch (HttpRequestException ex)
        {
            throw new RemoteFetchException(RemoteFetchFailure.Network, $"{url.Host} could not be reached ({ex.HttpRequestError}).");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        var status = response.StatusCode;
        response.Dispose();
        throw status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                new RemoteFetchException(RemoteFetchFailure.Denied, $"{url.Host} refused access ({(int)status}): the URL needs authentication."),
            HttpStatusCode.NotFound or HttpStatusCode.Gone => new RemoteFetchException(RemoteFetchFailure.NotFound, $"{url.Host} has nothing at that URL ({(int)status})."),
            _ => new RemoteFetchException(RemoteFetchFailure.Network, $"{url.Host} answered {(int)status}."),
        };
    }

    private RemoteFetchException TooLarge() =>
        new(RemoteFetchFailure.TooLarge, $"The content is larger than the limit of {_options.MaxDownloadBytes} bytes.");

    private static string? MediaTypeOf(HttpResponseMessage response) => response.Content.Headers.ContentType?.MediaType;

    private static string? FileNameOf(HttpResponseMessage response, Uri url)
    {
        var disposition = response.Content.Headers.ContentDisposition;
        var name = disposition?.FileNameStar ?? disposition?.FileName?.Trim('"');
        if (string.IsNullOrEmpty(name))
        {
            name = Uri.UnescapeDataString(url.Segments[^1]).TrimEnd('/');
        }

        name = Outputs.UserFiles.BaseName(name);
        return name is not null && AssetRules.NameProblem(name) is null ? name : null;
    }
}

/// <summary>Downloaded content, with the file name and media type the server gave (when usable).</summary>
public sealed record RemoteContent(AssetBlob Blob, string? FileName, string? MediaType);

/// <summary>What a HEAD request said: length (-1 when unknown), media type, file name.</summary>
public sealed record RemoteInfo(long ContentLength, string? MediaType, string? FileName);

public enum RemoteFetchFailure
{
    /// <summary>The host resolves only to addresses the policy refuses.</summary>
    AddressRefused,

    /// <summary>DNS, connection, time-out, a broken transfer or an unexpected status.</summary>
    Network,

    /// <summary>401 or 403 from the source.</summary>
    Denied,

    /// <summary>404 or 410 from the source.</summary>
    NotFound,

    /// <summary>Larger than the download bound.</summary>
    TooLarge,
}

/// <summary>A URL could not be fetched; <see cref="Failure"/> says why (the message is safe to show the caller).</summary>
public sealed class RemoteFetchException(RemoteFetchFailure failure, string message) : IOException(message)
{
    public RemoteFetchFailure Failure { get; } = failure;
}
