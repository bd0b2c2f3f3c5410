using System.Buffers;
using System.Text;
using System.Text.Json;
using Gantry.Auth;
using Gantry.Domain;
using Gantry.Http;
using Gantry.Store.Editor;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Editor;

/// <summary>
/// The editor's settings, per user, as ComfyUI keeps them: <c>GET /api/settings</c> (all, one JSON object),
/// <c>POST /api/settings</c> (an object merged into them), <c>GET|POST /api/settings/{id}</c> (one value, any JSON;
/// <c>null</c> when unset); also on the bare paths. Values are kept as the bytes the client sent.
/// </summary>
public static class EditorSettingsApi
{
    public static IEndpointRouteBuilder MapEditorSettings(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["", "/api"])
        {
            app.MapGet(prefix + "/settings", GetAllAsync).WithTags(UserDataApi.Tag);
            app.MapPost(prefix + "/settings", PostAllAsync).WithTags(UserDataApi.Tag);
            app.MapGet(prefix + "/settings/{id}", GetOneAsync).WithTags(UserDataApi.Tag);
            app.MapPost(prefix + "/settings/{id}", PostOneAsync).WithTags(UserDataApi.Tag);
        }

        return app;
    }

    public static async Task<FileContentHttpResult> GetAllAsync(HttpContext context, IEditorStateStore store)
    {
        var settings = await store.ReadSettingsAsync(context.GetCaller().UserId, context.RequestAborted);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var setting in settings)
            {
                writer.WritePropertyName(setting.Id);
                writer.WriteRawValue(setting.Value, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return TypedResults.File(buffer.WrittenSpan.ToArray(), "application/json");
    }

    public static async Task<Results<FileContentHttpResult, JsonHttpResult<ErrorResponse>>> GetOneAsync(
        HttpContext context, IEditorStateStore store, string id)
    {
        if (RefuseId(id) is { } refused)
        {
            return refused;
        }

        var value = await store.ReadSettingAsync(context.GetCaller().UserId, id, context.RequestAborted);
        return TypedResults.File(value ?? "null"u8.ToArray(), "application/json");
    }

    /// <summary>Merges a JSON object into the user's settings: the named settings change, the others stay.</summary>
    public static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> PostAllAsync(
        HttpContext context, IEditorStateStore store, IOptions<EditorOptions> options)
    {
        var (document, error) = await ReadAsync(context, options.Value);
        using (document)
        {
            if (error is not null)
            {
                return error;
            }

            if (document!.RootElement.ValueKind != JsonValueKind.Object)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidRequest, "The body must be a JSON object of setting ids and values.");
            }

            var settings = new Dictionary<string, EditorSetting>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (RefuseId(property.Name) is { } refused)
                {
                    return refused;
                }

                settings[property.Name] = new EditorSetting(property.Name, Encoding.UTF8.GetBytes(property.Value.GetRawText()));
            }

            return await SaveAsync(context, store, options.Value, [.. settings.Values]);
        }
    }

    public static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> PostOneAsync(
        HttpContext context, IEditorStateStore store, IOptions<EditorOptions> options, string id)
    {
        if (RefuseId(id) is { } refused)
        {
            return refused;
        }

        var (document, error) = await ReadAsync(context, options.Value);
        using (document)
        {
            return error ?? await SaveAsync(
                context, store, options.Value, [new EditorSetting(id, Encoding.UTF8.GetBytes(document!.RootElement.GetRawText()))]);
        }
    }

    private static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> SaveAsync(
        HttpContext context, IEditorStateStore store, EditorOptions options, IReadOnlyList<EditorSetting> settings)
    {
        var saved = await store.WriteSettingsAsync(
            context.GetCaller().UserId, settings, options.MaxSettingsPerUser, options.MaxSettingsBytes, context.RequestAborted);
        return saved
            ? TypedResults.Ok()
            : ApiResults.Error(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"Over this user's settings quota ({options.MaxSettingsPerUser} settings, {options.MaxSettingsBytes} bytes); nothing was saved.");
    }

    private static async Task<(JsonDocument? Document, JsonHttpResult<ErrorResponse>? Error)> ReadAsync(HttpContext context, EditorOptions options)
    {
        var body = await RequestBody.ReadAsync(context.Request, options.MaxSettingsBytes, context.RequestAborted);
        if (body is null)
        {
            return (null, ApiResults.TooLarge(options.MaxSettingsBytes));
        }

        if (RequestBody.IsEmpty(body))
        {
            return (null, ApiResults.BadRequest(ErrorCodes.InvalidRequest, "A JSON body is required."));
        }

        var document = RequestBody.TryParse(body, out var parseError);
        return document is null
            ? (null, ApiResults.BadRequest(ErrorCodes.InvalidJson, $"The request body is not valid JSON: {parseError}"))
            : (document, null);
    }

    /// <summary>A setting id is 1 to <see cref="EditorOptions.MaxSettingIdLength"/> characters of well-formed text without control characters.</summary>
    private static JsonHttpResult<ErrorResponse>? RefuseId(string id)
    {
        var wellFormed = id.Length is > 0 and <= EditorOptions.MaxSettingIdLength
            && !id.Any(char.IsControl)
            && WellFormedText.IsWellFormed(id);
        return wellFormed
            ? null
            : ApiResults.BadRequest(ErrorCodes.InvalidParameter,
                $"A setting id is 1 to {EditorOptions.MaxSettingIdLength} characters of text without control characters.");
    }
}
