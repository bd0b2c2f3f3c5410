using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gantry.Tests.Api.V2;

/// <summary>A minimal Server-Sent Events reader over a real HTTP response: events (name and JSON data) and comments.</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    public static async Task<SseClient> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        return new SseClient(response, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The next event (comments are skipped, counted in <see cref="Comments"/>); null when the stream ended.</summary>
    public async Task<SseEvent?> NextAsync()
    {
        string? name = null;
        var data = new StringBuilder();
        string? id = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Infrastructure.TestTimeouts.Default);
        while (await _reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is null && data.Length == 0)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(data.ToString());
                return new SseEvent(name ?? "message", document.RootElement.Clone(), id);
            }

            if (line.StartsWith(':'))
            {
                Comments++;
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
            else if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                id = line[3..].Trim();
            }
        }

        return null;
    }

    public int Comments { get; private set; }

    /// <summary>Reads until the next comment line (a keep-alive); fails if an event or the end comes first.</summary>
    public async Task WaitForCommentAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Infrastructure.TestTimeouts.Default);
        while (await _reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(':'))
            {
                Comments++;
                return;
            }

            line.ShouldBeEmpty("only keep-alives were expected while the job waits");
        }

        throw new ShouldAssertException("The stream ended while a keep-alive was awaited.");
    }

    /// <summary>Reads events until one matches; returns every event read, the match last.</summary>
    public async Task<List<SseEvent>> ReadUntilAsync(Func<SseEvent, bool> match)
    {
        var seen = new List<SseEvent>();
        while (await NextAsync() is { } next)
        {
            seen.Add(next);
            if (match(next))
            {
                return seen;
            }
        }

        throw new ShouldAssertException($"The stream ended before the expected event; it sent: {string.Join(", ", seen)}");
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed record SseEvent(string Name, JsonElement Data, string? Id)
{
    public string? Status => Name == "status" ? Data.GetProperty("status").GetString() : null;

    public override string ToString() => $"{Name} {Data.GetRawText()}";
}
