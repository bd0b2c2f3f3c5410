using System.Net;
using System.Text.Json;

namespace Gantry.Tests.Infrastructure;

/// <summary>Checks on JSON answers: the spec's required fields with their types, and error bodies.</summary>
public static class JsonAssert
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ShouldAssertException($"Expected JSON from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} ({(int)response.StatusCode}), got: {text}", ex);
        }
    }

    /// <summary>Asserts the status and returns the JSON body.</summary>
    public static async Task<JsonElement> ShouldBeJsonAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new ShouldAssertException($"Expected {(int)status} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {body}");
        }

        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        return await response.ReadJsonAsync();
    }

    /// <summary>Asserts a Cloud <c>ErrorResponse</c> <c>{code, message}</c> with the given status and code.</summary>
    public static async Task<JsonElement> ShouldBeErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var json = await response.ShouldBeJsonAsync(status);
        json.ShouldHave(("code", JsonValueKind.String), ("message", JsonValueKind.String));
        json.GetProperty("code").GetString().ShouldBe(code);
        json.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
        return json;
    }

    /// <summary>Asserts ComfyUI's prompt error body <c>{error: {type, message, details, extra_info}, node_errors}</c>.</summary>
    public static async Task<JsonElement> ShouldBePromptErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var json = await response.ShouldBeJsonAsync(status);
        json.ShouldHave(("error", JsonValueKind.Object), ("node_errors", JsonValueKind.Object));
        var error = json.GetProperty("error");
        error.ShouldHave(("type", JsonValueKind.String), ("message", JsonValueKind.String), ("details", JsonValueKind.String), ("extra_info", JsonValueKind.Object));
        error.GetProperty("type").GetString().ShouldBe(type);
        return json;
    }

    /// <summary>Each named property is present with the given kind (Number also checks it is an integer when asked).</summary>
    public static void ShouldHave(this JsonElement element, params (string Name, JsonValueKind Kind)[] fields)
    {
        element.ValueKind.ShouldBe(JsonValueKind.Object, element.ToString());
        foreach (var (name, kind) in fields)
        {
            element.TryGetProperty(name, out var value).ShouldBeTrue($"'{name}' is missing in {element}");
            value.ValueKind.ShouldBe(kind, $"'{name}' has the wrong type in {element}");
        }
    }

    public static void ShouldNotHave(this JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            element.TryGetProperty(name, out _).ShouldBeFalse($"'{name}' should be absent in {element}");
        }
    }

    public static bool IsInteger(this JsonElement element) => element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out _);
}
