using System.Net;
using System.Text;
using System.Text.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.V2;

/// <summary>v2 requests for tests, every answer checked against <c>openapi-v2.yaml</c> for its status.</summary>
public static class V2Requests
{
    public static OpenApiSchemaValidator Spec => OpenApiSchemaValidator.V2;

    public static string Body(string workflow = TestWorkflows.Simple, string? extra = null)
        => extra is null ? $$"""{"workflow": {{workflow}}}""" : $$"""{"workflow": {{workflow}}, {{extra}}}""";

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SubmitAsync(HttpClient client, string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/jobs") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var json = await Conformant(response, "/api/v2/jobs", "post");
        return (response.StatusCode, json);
    }

    /// <summary>Submits and expects 201; returns the job id.</summary>
    public static async Task<Guid> SubmitOkAsync(HttpClient client, string workflow = TestWorkflows.Simple)
    {
        var (status, job) = await SubmitAsync(client, Body(workflow));
        status.ShouldBe(HttpStatusCode.Created, job.GetRawText());
        return Guid.Parse(job.GetProperty("id").GetString()!);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path, string specPath)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        return (response.StatusCode, await Conformant(response, specPath, "get"));
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, string specPath)
    {
        using var response = await client.PostAsync(path, null, TestContext.Current.CancellationToken);
        return (response.StatusCode, await Conformant(response, specPath, "post"));
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> GetJobAsync(HttpClient client, Guid id)
        => GetAsync(client, $"api/v2/jobs/{id:D}", "/api/v2/jobs/{id}");

    public static async Task<JsonElement> GetJobOkAsync(HttpClient client, Guid id)
    {
        var (status, job) = await GetJobAsync(client, id);
        status.ShouldBe(HttpStatusCode.OK, job.GetRawText());
        return job;
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> CancelAsync(HttpClient client, Guid id)
        => PostAsync(client, $"api/v2/jobs/{id:D}/cancel", "/api/v2/jobs/{id}/cancel");

    /// <summary>The body as JSON, after checking the spec lists the status for the operation and the body fits its schema.</summary>
    public static async Task<JsonElement> Conformant(HttpResponseMessage response, string specPath, string method)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json", text);
        using var document = JsonDocument.Parse(text);
        var body = document.RootElement.Clone();
        Spec.AssertResponse(specPath, method, (int)response.StatusCode, body);
        return body;
    }

    /// <summary>Fails unless <paramref name="body"/> conforms to <c>#/components/schemas/{schema}</c>.</summary>
    public static void ShouldConform(string schema, JsonElement body)
    {
        var problems = Spec.ValidateSchema(schema, body);
        problems.ShouldBeEmpty($"{schema}: {body.GetRawText()}");
    }
}
