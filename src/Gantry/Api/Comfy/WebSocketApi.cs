using Gantry.Auth;
using Gantry.Events;
using Gantry.Http;

namespace Gantry.Api.Comfy;

/// <summary>
/// <c>/ws</c> and <c>/api/ws</c>: the event socket. The key comes as <c>?token=</c> (or a header); without one the
/// upgrade is refused with 401 before any socket exists. <c>clientId</c> becomes the session id.
/// </summary>
public static class WebSocketApi
{
    public static IEndpointRouteBuilder MapComfyWebSocket(this IEndpointRouteBuilder app)
    {
        // The WebSocket middleware runs only on these two routes, as SignalR maps its connections.
        var pipeline = app.CreateApplicationBuilder();
        pipeline.UseWebSockets();
        pipeline.Run(AcceptAsync);
        var handler = pipeline.Build();
        app.Map("/ws", handler).WithDisplayName("ComfyUI event socket").ExcludeFromDescription();
        app.Map("/api/ws", handler).WithDisplayName("ComfyUI event socket (/api)").ExcludeFromDescription();
        return app;
    }

    private static Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return ApiResults.WriteErrorAsync(
                context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "This endpoint takes a WebSocket upgrade (GET with Upgrade: websocket).");
        }

        var server = context.RequestServices.GetRequiredService<EventSocketServer>();
        return server.RunAsync(context, context.GetCaller(), context.Request.Query["clientId"].ToString());
    }
}
