using System.Net;
using System.Text.Json;
using Gantry.Api.V2;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Net;
using Gantry.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Webhooks;

/// <summary>
/// <c>/api/webhooks</c>: a user registers, lists and deletes their endpoints and sees each one's deliveries; an admin
/// sees every endpoint and may register one for all users' jobs (<c>all_users</c>). Another user's endpoint is 404.
/// </summary>
public static class WebhooksApi
{
    private const int MaxUrlLength = 2048;
    private const int MaxDescriptionLength = 500;
    private const int MaxBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/api/webhooks").WithTags("webhooks");
        hooks.MapPost("", CreateAsync);
        hooks.MapGet("", ListAsync);
        hooks.MapGet("/{id}", GetAsync);
        hooks.MapDelete("/{id}", DeleteAsync);
        hooks.MapGet("/{id}/deliveries", DeliveriesAsync);
        hooks.MapPost("/{id}/deliveries/{deliveryId}/redeliver", RedeliverAsync);
        return app;
    }

    internal static async Task<Results<JsonHttpResult<WebhookView>, JsonHttpResult<ErrorResponse>>> CreateAsync(
        HttpContext context, WebhookStore store, IOptions<WebhookOptions> options, TimeProvider time)
    {
        var body = await RequestBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return ApiResults.TooLarge(MaxBodyBytes);
        }

        CreateWebhookRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body, WebhookJsonContext.Default.CreateWebhookRequest);
        }
        catch (JsonException)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidJson, "The body must be a JSON object {url, events, description, all_users}.");
        }

        var caller = context.GetCaller();
        if (Check(request, caller, options.Value.AllowPrivateAddresses) is { } problem)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidRequest, problem);
        }

        var endpoint = new WebhookEndpoint(
            Guid.NewGuid(),
            caller.UserId,
            request!.AllUsers == true,
            request.Url!,
            WebhookSignature.NewSecret(),
            request.Events is { Length: > 0 } events ? [.. events.Distinct(StringComparer.Ordinal)] : WebhookEvents.All,
            request.Description,
            time.GetUtcNow().ToUnixTimeMilliseconds());
        if (!await store.CreateEndpointAsync(endpoint, options.Value.MaxEndpointsPerUser, context.RequestAborted))
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, $"You have {options.Value.MaxEndpointsPerUser} webhook endpoints, the most allowed.");
        }

        return TypedResults.Json(View(endpoint, withSecret: true), WebhookJsonContext.Default.WebhookView, statusCode: StatusCodes.Status201Created);
    }

    internal static async Task<JsonHttpResult<WebhookList>> ListAsync(HttpContext context, WebhookStore store)
    {
        var caller = context.GetCaller();
        var endpoints = await store.ListEndpointsAsync(caller.IsAdmin ? null : caller.UserId, context.RequestAborted);
        return TypedResults.Json(new WebhookList([.. endpoints.Select(e => View(e, withSecret: false))]), WebhookJsonContext.Default.WebhookList);
    }

    internal static async Task<Results<JsonHttpResult<WebhookView>, JsonHttpResult<ErrorResponse>>> GetAsync(string id, HttpContext context, WebhookStore store)
    {
        var endpoint = await FindAsync(id, context, store);
        return endpoint is null ? NotFound() : TypedResults.Json(View(endpoint, withSecret: false), WebhookJsonContext.Default.WebhookView);
    }

    internal static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> DeleteAsync(string id, HttpContext context, WebhookStore store)
    {
        var endpoint = await FindAsync(id, context, store);
        return endpoint is null || !await store.DeleteEndpointAsync(endpoint.Id, context.RequestAborted) ? NotFound() : TypedResults.NoContent();
    }

    internal static async Task<Results<JsonHttpResult<DeliveryList>, JsonHttpResult<ErrorResponse>>> DeliveriesAsync(
        string id, HttpContext context, WebhookStore store)
    {
        var endpoint = await FindAsync(id, context, store);
        if (endpoint is null)
        {
            return NotFound();
        }

        var limit = 50;
        if (context.Request.Query["limit"] is { Count: 1 } text && (!int.TryParse(text[0], out limit) || limit is < 1 or > 500))
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "limit must be 1 to 500.");
        }

        var deliveries = await store.ListDeliveriesAsync(endpoint.Id, limit, context.RequestAborted);
        return TypedResults.Json(new DeliveryList([.. deliveries.Select(View)]), WebhookJsonContext.Default.DeliveryList);
    }

    internal static async Task<Results<Accepted, JsonHttpResult<ErrorResponse>>> RedeliverAsync(
        string id, string deliveryId, HttpContext context, WebhookStore store, WebhookSender sender, TimeProvider time)
    {
        var endpoint = await FindAsync(id, context, store);
        if (endpoint is null || !Guid.TryParseExact(deliveryId, "D", out var delivery)
            || !await store.RedeliverAsync(endpoint.Id, delivery, time.GetUtcNow().ToUnixTimeMilliseconds(), context.RequestAborted))
        {
            return NotFound();
        }

        sender.Wake();
        return TypedResults.Accepted((string?)null);
    }

    internal static DeliveryView View(WebhookDelivery d) => new(
        d.Id.ToString("D"),
        d.JobId.ToString("D"),
        d.Event,
        d.Status switch { DeliveryStatus.Delivered => "delivered", DeliveryStatus.Failed => "failed", _ => "pending" },
        d.Attempts,
        V2JobViews.Iso(d.CreatedAtMs),
        d.Status == DeliveryStatus.Pending ? V2JobViews.Iso(d.NextAttemptAtMs) : null,
        d.LastAttemptAtMs is { } last ? V2JobViews.Iso(last) : null,
        d.LastStatusCode,
        d.LastError,
        d.ResponseExcerpt);

    private static WebhookView View(WebhookEndpoint e, bool withSecret)
        => new(e.Id.ToString("D"), e.Url, e.Events, e.Description, e.AllUsers, V2JobViews.Iso(e.CreatedAtMs), withSecret ? e.Secret : null);

    private static async Task<WebhookEndpoint?> FindAsync(string id, HttpContext context, WebhookStore store)
    {
        if (!Guid.TryParseExact(id, "D", out var endpointId))
        {
            return null;
        }

        var endpoint = await store.GetEndpointAsync(endpointId, context.RequestAborted);
        var caller = context.GetCaller();
        return endpoint is not null && (endpoint.UserId == caller.UserId || caller.IsAdmin) ? endpoint : null;
    }

    private static JsonHttpResult<ErrorResponse> NotFound() => ApiResults.NotFound("No such webhook endpoint or delivery.");

    private static string? Check(CreateWebhookRequest? request, Caller caller, bool allowPrivate)
    {
        if (request?.Url is not { Length: > 0 and <= MaxUrlLength } url
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"url must be an absolute http(s) URL without credentials, at most {MaxUrlLength} characters.";
        }

        if (!allowPrivate && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && !OutboundAddressPolicy.IsPublic(address))
        {
            return "url points to a loopback, private or link-local address; deliveries there are not allowed (Gantry:Webhooks:AllowPrivateAddresses).";
        }

        if (request.Events is { } events && (events.Length > WebhookEvents.All.Count * 2 || events.Any(e => !WebhookEvents.All.Contains(e))))
        {
            return $"events must be a list of: {string.Join(", ", WebhookEvents.All)}.";
        }

        if (request.Description is { Length: > MaxDescriptionLength })
        {
            return $"description must be at most {MaxDescriptionLength} characters.";
        }

        return request.AllUsers == true && !caller.IsAdmin ? "Only an admin may register an endpoint for all users." : null;
    }
}
