using System.Net;
using System.Text;
using System.Text.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Cloud.Conformance;

/// <summary>
/// Sends one request through the real HTTP surface and holds its answer to the Cloud spec
/// (<c>../shared/spec/openapi-cloud.yaml</c>): the status is the one expected and the operation documents it; the body
/// has a media type the spec writes for that answer (none when it writes none); a JSON body conforms to the schema.
/// An answer the spec does not write that way is a deliberate difference, checked with
/// <see cref="DifferenceAsync"/>: it must be named in the README's table of choices, and it must still differ.
/// </summary>
internal static class SpecCheck
{
    /// <summary>README.md with its line breaks and indents as single spaces, so an entry may wrap anywhere.</summary>
    private static readonly Lazy<string> Readme = new(() =>
        string.Join(' ', File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)));

    private static OpenApiSchemaValidator Spec => OpenApiSchemaValidator.Cloud;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Sends <paramref name="request"/>, asserts <paramref name="expected"/> and that the answer is the one the spec documents for <paramref name="specPath"/>.</summary>
    public static async Task<SpecAnswer> ExpectAsync(HttpClient client, HttpRequestMessage request, string specPath, HttpStatusCode expected)
    {
        var answer = await SendAsync(client, request, expected);
        var problems = Problems(specPath, answer);
        if (problems.Count > 0)
        {
            Assert.Fail($"{answer.Method} {specPath} {(int)expected} does not conform to the spec:\n  {string.Join("\n  ", problems)}\nBody: {answer.Text}");
        }

        return answer;
    }

    /// <summary>
    /// A deliberate difference from the spec: asserts the status, that the README's table of choices has each of
    /// <paramref name="readme"/> (the entry, and the route where the entry lists several), that the answer indeed does not conform to <paramref name="specPath"/>'s documented
    /// one (a difference that went away must leave the table), and, when <paramref name="schema"/> is given, that the JSON
    /// body conforms to that component of the spec instead (usually <c>ErrorResponse</c>).
    /// </summary>
    public static async Task<SpecAnswer> DifferenceAsync(
        HttpClient client, HttpRequestMessage request, string specPath, HttpStatusCode expected, string[] readme, string? schema = "ErrorResponse")
    {
        foreach (var text in readme)
        {
            Readme.Value.ShouldContain(text, Case.Sensitive, $"README.md's table of choices should name this difference of {request.Method} {specPath}.");
        }

        var answer = await SendAsync(client, request, expected);
        Problems(specPath, answer).ShouldNotBeEmpty($"{answer.Method} {specPath} {(int)expected} conforms to the spec now: drop the difference from the test and README.md.");
        if (schema is not null)
        {
            answer.MediaType.ShouldBe("application/json", answer.Text);
            var problems = Spec.ValidateSchema(schema, answer.Json);
            problems.ShouldBeEmpty($"{answer.Method} {specPath} {(int)expected} is not a {schema}: {answer.Text}");
        }

        return answer;
    }

    public static Task<SpecAnswer> GetAsync(HttpClient client, string url, string specPath, HttpStatusCode expected = HttpStatusCode.OK) =>
        ExpectAsync(client, new HttpRequestMessage(HttpMethod.Get, url), specPath, expected);

    public static Task<SpecAnswer> JsonAsync(HttpClient client, HttpMethod method, string url, string json, string specPath, HttpStatusCode expected) =>
        ExpectAsync(client, JsonRequest(method, url, json), specPath, expected);

    public static HttpRequestMessage JsonRequest(HttpMethod method, string url, string json) =>
        new(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    private static async Task<SpecAnswer> SendAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode expected)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, Ct);
            var body = await response.Content.ReadAsByteArrayAsync(Ct);
            var answer = new SpecAnswer(
                request.Method.Method, response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers.Location);
            response.StatusCode.ShouldBe(expected, $"{request.Method} {request.RequestUri}: {answer.Text}");
            return answer;
        }
    }

    /// <summary>What does not conform in <paramref name="answer"/> to the documented answer of its status.</summary>
    private static List<string> Problems(string specPath, SpecAnswer answer)
    {
        var status = (int)answer.Status;
        var media = Spec.ResponseMediaTypes(specPath, answer.Method, status);
        if (media is null)
        {
            return [$"{answer.Method} {specPath} documents no {status} answer."];
        }

        if (answer.Method == "HEAD")
        {
            return answer.Body.Length == 0 ? [] : ["A HEAD answer has a body."];
        }

        if (media.Count == 0)
        {
            return answer.Body.Length == 0 ? [] : [$"The spec documents no body, the answer has {answer.Body.Length} bytes ({answer.MediaType})."];
        }

        if (answer.MediaType is null || !media.Contains(answer.MediaType))
        {
            return [$"The body is {answer.MediaType ?? "untyped"}; the spec writes {string.Join(" or ", media)}."];
        }

        if (answer.MediaType != "application/json")
        {
            return answer.Body.Length > 0 ? [] : ["The body is empty."];
        }

        try
        {
            return [.. Spec.ValidateResponse(specPath, answer.Method, status, answer.Json)];
        }
        catch (JsonException ex)
        {
            return [$"The body is no JSON: {ex.Message}"];
        }
    }
}

/// <summary>One answer: its status, media type and bytes (and JSON view), and where a redirect leads.</summary>
internal sealed record SpecAnswer(string Method, HttpStatusCode Status, string? MediaType, byte[] Body, Uri? Location)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}
